// Small building blocks the screens share.
import type { ComponentChildren, InputHTMLAttributes } from 'preact'
import { useEffect, useRef, useState } from 'preact/hooks'
import { ApiError } from '../api/http'
import { navigatedInApp } from '../router'

/** Shows a failed request: the problem's title and detail, each invalid field, the request id. */
export function ProblemView({ error, what }: { error: unknown; what?: string }) {
  if (!error) return null
  const p = error instanceof ApiError ? error.problem : null
  return (
    <div class="problem" role="alert">
      <p class="problem-title">
        {what ? `${what}: ` : ''}
        {p ? p.title : 'Something went wrong'}
      </p>
      {p?.detail && <p>{p.detail}</p>}
      {!p && <p>{String((error as Error)?.message ?? error)}</p>}
      {p?.errors && p.errors.length > 0 && (
        <ul>
          {p.errors.map((e) => (
            <li key={e.field}>
              <code>{e.field}</code> {e.message}
            </li>
          ))}
        </ul>
      )}
      {p?.request_id && <p class="muted small">Request id {p.request_id}</p>}
    </div>
  )
}

/** The state of a screen whose API this server does not offer (yet). */
export function NotAvailable({ what }: { what: string }) {
  return (
    <div class="empty" role="status">
      <p class="empty-title">{what} is not available on this server</p>
      <p class="muted">The server answered that it has no such API. It arrives with a newer version of vms.</p>
    </div>
  )
}

/** True when the error means the server lacks the API. */
export const missingAPI = (e: unknown) => e instanceof ApiError && e.noSuchRoute

export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty" role="status">
      <p class="empty-title">{title}</p>
      {children}
    </div>
  )
}

export function Loading({ label = 'Loading' }: { label?: string }) {
  return (
    <p class="muted" role="status" aria-live="polite">
      {label}…
    </p>
  )
}

export function Pager(props: { page: number; hasPrev: boolean; next: string | null; onPrev(): void; onNext(c: string): void; label: string }) {
  if (!props.hasPrev && !props.next) return null
  return (
    <nav class="pager" aria-label={`${props.label} pages`}>
      <button type="button" class="secondary" disabled={!props.hasPrev} onClick={props.onPrev}>
        ← Previous
      </button>
      <span class="muted">Page {props.page}</span>
      <button type="button" class="secondary" disabled={!props.next} onClick={() => props.next && props.onNext(props.next)}>
        Next →
      </button>
    </nav>
  )
}

/** The heading of a page. It takes the focus when the page opens, and names the tab. */
export function PageTitle({ children, title }: { children: ComponentChildren; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    document.title = `${title} · vms`
    // Only after an in-app navigation: a fresh load leaves focus where the browser puts it.
    if (navigatedInApp()) ref.current?.focus()
  }, [title])
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  )
}

export function Badge({ tone, children }: { tone?: 'ok' | 'warn' | 'bad' | 'info'; children: ComponentChildren }) {
  return <span class={`badge ${tone ?? ''}`}>{children}</span>
}

/** A button that asks once more before doing something that cannot be undone. */
export function ConfirmButton(props: { label: string; confirm: string; onConfirm(): Promise<unknown> | void; class?: string; disabled?: boolean }) {
  const [asking, setAsking] = useState(false)
  const [busy, setBusy] = useState(false)
  const yes = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    if (asking) yes.current?.focus()
  }, [asking])
  if (!asking) {
    return (
      <button type="button" class={props.class ?? 'danger'} disabled={props.disabled} onClick={() => setAsking(true)}>
        {props.label}
      </button>
    )
  }
  return (
    <span class="confirm" role="group" aria-label={props.confirm}>
      <span>{props.confirm}</span>
      <button
        ref={yes}
        type="button"
        class="danger"
        disabled={busy}
        onClick={async () => {
          setBusy(true)
          try {
            await props.onConfirm()
          } finally {
            setBusy(false)
            setAsking(false)
          }
        }}
      >
        Yes, {props.label.toLowerCase()}
      </button>
      <button type="button" class="secondary" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  )
}

type InputProps = InputHTMLAttributes<HTMLInputElement> & { label: string; error?: string; hint?: string; name: string }

/** A labelled input with its hint and the server's message for it. */
export function Field({ label, error, hint, name, ...input }: InputProps) {
  const id = `f-${name}`
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined
  return (
    <div class="field">
      <label for={id}>{label}</label>
      <input id={id} name={name} aria-invalid={error ? true : undefined} aria-describedby={described} {...input} />
      {hint && (
        <p id={`${id}-hint`} class="hint">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} class="field-error">
          {error}
        </p>
      )}
    </div>
  )
}

/** Copies a secret shown once, and says so. */
export function OnceSecret({ label, value }: { label: string; value: string }) {
  const [copied, setCopied] = useState(false)
  return (
    <div class="secret" role="status">
      <p>
        <strong>{label}</strong> It is shown only now; store it safely.
      </p>
      <code class="secret-value">{value}</code>
      <button
        type="button"
        class="secondary"
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(value)
            setCopied(true)
          } catch {
            setCopied(false)
          }
        }}
      >
        {copied ? 'Copied' : 'Copy'}
      </button>
    </div>
  )
}
