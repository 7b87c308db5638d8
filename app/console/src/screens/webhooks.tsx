import { useState } from 'preact/hooks'
import { createWebhook, deleteWebhook, deliveries, retryDelivery, testWebhook, updateWebhook, webhook, webhooks } from '../api/endpoints'
import { ApiError } from '../api/http'
import { WEBHOOK_EVENTS, type Delivery, type Webhook } from '../api/types'
import { when } from '../format'
import { Link, navigate } from '../router'
import { useAsync, useCursor } from '../ui/async'
import { Badge, ConfirmButton, Empty, Field, Loading, missingAPI, NotAvailable, OnceSecret, PageTitle, Pager, ProblemView } from '../ui/components'

export function Webhooks() {
  const pages = useCursor([])
  const list = useAsync(() => webhooks({ cursor: pages.cursor }), [pages.cursor])
  const hooks = list.data?.data
  if (missingAPI(list.error)) {
    return (
      <section>
        <PageTitle title="Webhooks">Webhooks</PageTitle>
        <NotAvailable what="Webhooks" />
      </section>
    )
  }
  return (
    <section>
      <PageTitle title="Webhooks">Webhooks</PageTitle>
      <p class="muted">The server posts signed events (Standard Webhooks) to these URLs and retries failed deliveries for about a day.</p>
      <details class="card">
        <summary>Add a webhook</summary>
        <WebhookForm onSaved={list.reload} />
      </details>
      <ProblemView error={list.error} what="The webhooks could not be loaded" />
      {list.loading && !hooks && <Loading />}
      {hooks && hooks.length === 0 && <Empty title="No webhooks yet" />}
      {hooks && hooks.length > 0 && (
        <ul class="rows" aria-label="Webhooks">
          {hooks.map((h) => (
            <li key={h.id} class="row">
              <span class="row-main">
                <Link href={`/webhooks/${h.id}`}>
                  <code>{h.url}</code>
                </Link>
                <span class="muted">
                  {h.description ? `${h.description} · ` : ''}
                  {h.events.join(', ')}
                </span>
              </span>
              <Badge tone={h.enabled ? 'ok' : 'warn'}>{h.enabled ? 'Enabled' : 'Disabled'}</Badge>
            </li>
          ))}
        </ul>
      )}
      <Pager label="Webhooks" page={pages.page} hasPrev={pages.hasPrev} next={list.data?.next ?? null} onPrev={pages.prev} onNext={pages.next} />
    </section>
  )
}

function WebhookForm({ hook, onSaved }: { hook?: Webhook; onSaved(): void }) {
  const [error, setError] = useState<unknown>(null)
  const [secret, setSecret] = useState<string | null>(null)
  const [saved, setSaved] = useState(false)
  const fieldError = (f: string) => (error instanceof ApiError ? error.field(f) : undefined)
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault()
        const form = e.currentTarget
        const f = new FormData(form)
        const body = {
          url: String(f.get('url')),
          events: f.getAll('events').map(String),
          description: String(f.get('description') ?? ''),
          enabled: f.get('enabled') === 'on',
        }
        setError(null)
        setSaved(false)
        try {
          if (hook) {
            await updateWebhook(hook.id, body)
            setSaved(true)
          } else {
            const created = await createWebhook(body)
            setSecret(created.secret ?? null)
            form.reset()
          }
          onSaved()
        } catch (err) {
          setError(err)
        }
      }}
    >
      <ProblemView error={error} what="The webhook could not be saved" />
      <Field label="URL" name="url" type="url" required maxLength={2048} defaultValue={hook?.url} placeholder="https://example.com/hooks/vms" error={fieldError('url')} />
      <Field label="Description" name="description" maxLength={200} defaultValue={hook?.description} error={fieldError('description')} />
      <fieldset>
        <legend>Events</legend>
        {WEBHOOK_EVENTS.map((ev) => (
          <label key={ev} class="inline">
            <input type="checkbox" name="events" value={ev} defaultChecked={hook ? hook.events.includes(ev) : true} /> {ev}
          </label>
        ))}
        {fieldError('events') && <p class="field-error">{fieldError('events')}</p>}
      </fieldset>
      <label class="inline">
        <input type="checkbox" name="enabled" defaultChecked={hook ? hook.enabled : true} /> Enabled
      </label>
      <div class="actions">
        <button type="submit">{hook ? 'Save' : 'Add webhook'}</button>
      </div>
      {saved && (
        <p role="status" class="notice">
          Saved.
        </p>
      )}
      {secret && <OnceSecret label="The signing secret:" value={secret} />}
    </form>
  )
}

export function WebhookDetail({ params }: { params: Record<string, string> }) {
  const id = Number(params.id)
  const h = useAsync(() => webhook(id), [id])
  const pages = useCursor([id])
  const list = useAsync(() => deliveries(id, { cursor: pages.cursor }), [id, pages.cursor])
  const [error, setError] = useState<unknown>(null)
  const [note, setNote] = useState('')
  const act = async (what: string, fn: () => Promise<unknown>) => {
    setError(null)
    setNote('')
    try {
      await fn()
      setNote(what)
      list.reload()
    } catch (e) {
      setError(e)
    }
  }
  if (missingAPI(h.error)) {
    return (
      <section>
        <PageTitle title="Webhook">Webhook</PageTitle>
        <NotAvailable what="Webhooks" />
      </section>
    )
  }
  const rows = list.data?.data
  return (
    <section>
      <PageTitle title="Webhook">Webhook {h.data ? <code>{h.data.url}</code> : id}</PageTitle>
      <p>
        <Link href="/webhooks">← Webhooks</Link>
      </p>
      <ProblemView error={h.error} what="The webhook could not be loaded" />
      <ProblemView error={error} />
      {note && (
        <p role="status" class="notice">
          {note}
        </p>
      )}
      {h.data && (
        <>
          <div class="actions">
            <button type="button" class="secondary" onClick={() => void act('A test event is on its way.', () => testWebhook(id))}>
              Send a test event
            </button>
            <ConfirmButton
              label="Delete"
              confirm="Delete this webhook?"
              onConfirm={() =>
                act('Deleted.', async () => {
                  await deleteWebhook(id)
                  navigate('/webhooks')
                })
              }
            />
          </div>
          <details class="card">
            <summary>Edit</summary>
            <WebhookForm hook={h.data} onSaved={h.reload} />
          </details>
        </>
      )}
      <h2>Deliveries</h2>
      {list.loading && !rows && <Loading />}
      {!missingAPI(list.error) && <ProblemView error={list.error} what="The deliveries could not be loaded" />}
      {rows && rows.length === 0 && <Empty title="No deliveries yet" />}
      {rows && rows.length > 0 && (
        <div class="table-wrap">
          <table class="stack">
            <caption class="visually-hidden">Recent deliveries</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Attempt</th>
                <th scope="col">Answer</th>
                <th scope="col">Next attempt</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <DeliveryRow key={d.id} d={d} onRetry={() => act('Retry queued.', () => retryDelivery(id, d.id))} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager label="Deliveries" page={pages.page} hasPrev={pages.hasPrev} next={list.data?.next ?? null} onPrev={pages.prev} onNext={pages.next} />
    </section>
  )
}

function DeliveryRow({ d, onRetry }: { d: Delivery; onRetry(): void }) {
  const code = d.http_status ?? d.status_code ?? null
  const ok = code !== null && code >= 200 && code < 300
  return (
    <tr>
      <th scope="row">
        {d.type}
        <br />
        <code class="small">{d.event_id}</code>
      </th>
      <td data-label="Attempt">{d.attempt}</td>
      <td data-label="Answer">
        <Badge tone={ok ? 'ok' : d.status === 'pending' ? 'warn' : 'bad'}>{code ?? d.status}</Badge>
        {d.duration_ms != null && <span class="muted"> {d.duration_ms} ms</span>}
        {d.error && <p class="small">{d.error}</p>}
      </td>
      <td data-label="Next attempt">{when(d.next_attempt_at)}</td>
      <td data-label="Actions">
        <button type="button" class="secondary" onClick={onRetry}>
          Retry <span class="visually-hidden">{d.event_id}</span>
        </button>
      </td>
    </tr>
  )
}
