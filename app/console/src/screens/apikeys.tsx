import { useState } from 'preact/hooks'
import { apiKeys, createApiKey, revokeApiKey } from '../api/endpoints'
import { ApiError } from '../api/http'
import { API_KEY_SCOPES, type ApiKey, type Scope } from '../api/types'
import { when } from '../format'
import { useAsync, useCursor } from '../ui/async'
import { Badge, ConfirmButton, Empty, Field, Loading, missingAPI, NotAvailable, OnceSecret, PageTitle, Pager, ProblemView } from '../ui/components'

export function ApiKeys() {
  const pages = useCursor([])
  const list = useAsync(() => apiKeys({ cursor: pages.cursor }), [pages.cursor])
  const [error, setError] = useState<unknown>(null)
  const keys = list.data?.data
  if (missingAPI(list.error)) {
    return (
      <section>
        <PageTitle title="API keys">API keys</PageTitle>
        <NotAvailable what="API keys" />
      </section>
    )
  }
  return (
    <section>
      <PageTitle title="API keys">API keys</PageTitle>
      <p class="muted">Keys let scripts and servers use the API for the corporation, within their scopes. They never earn points.</p>
      <NewKey onCreated={list.reload} />
      <ProblemView error={list.error} what="The keys could not be loaded" />
      <ProblemView error={error} what="The key could not be revoked" />
      {list.loading && !keys && <Loading />}
      {keys && keys.length === 0 && <Empty title="No API keys yet" />}
      {keys && keys.length > 0 && (
        <div class="table-wrap">
          <table class="stack">
            <caption class="visually-hidden">API keys</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Scopes</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <KeyRow
                  key={k.id}
                  k={k}
                  onRevoke={async () => {
                    setError(null)
                    try {
                      await revokeApiKey(k.id)
                      list.reload()
                    } catch (e) {
                      setError(e)
                    }
                  }}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager label="API keys" page={pages.page} hasPrev={pages.hasPrev} next={list.data?.next ?? null} onPrev={pages.prev} onNext={pages.next} />
    </section>
  )
}

function KeyRow({ k, onRevoke }: { k: ApiKey; onRevoke(): Promise<void> }) {
  const expired = k.expires_at ? new Date(k.expires_at).getTime() < Date.now() : false
  return (
    <tr>
      <th scope="row">{k.name}</th>
      <td data-label="Key">
        <code>{k.prefix}…</code>
      </td>
      <td data-label="Scopes">{k.scopes.join(', ')}</td>
      <td data-label="Last used">{when(k.last_used_at)}</td>
      <td data-label="Expires">{when(k.expires_at)}</td>
      <td data-label="State">
        {k.revoked_at ? (
          <Badge tone="bad">Revoked</Badge>
        ) : expired ? (
          <Badge tone="warn">Expired</Badge>
        ) : (
          <ConfirmButton label="Revoke" confirm={`Revoke ${k.name}?`} onConfirm={onRevoke} />
        )}
      </td>
    </tr>
  )
}

function NewKey({ onCreated }: { onCreated(): void }) {
  const [error, setError] = useState<unknown>(null)
  const [created, setCreated] = useState<ApiKey | null>(null)
  const fieldError = (f: string) => (error instanceof ApiError ? error.field(f) : undefined)
  return (
    <details class="card">
      <summary>Create a key</summary>
      <form
        onSubmit={async (e) => {
          e.preventDefault()
          const form = e.currentTarget
          const f = new FormData(form)
          setError(null)
          setCreated(null)
          const expires = String(f.get('expires_at') || '')
          try {
            const k = await createApiKey({
              name: String(f.get('name')),
              scopes: f.getAll('scopes') as Scope[],
              ...(expires ? { expires_at: new Date(`${expires}T00:00:00Z`).toISOString() } : {}),
            })
            setCreated(k)
            form.reset()
            onCreated()
          } catch (err) {
            setError(err)
          }
        }}
      >
        <ProblemView error={error} what="The key could not be created" />
        <Field label="Name" name="name" required maxLength={100} error={fieldError('name')} />
        <fieldset>
          <legend>Scopes</legend>
          {API_KEY_SCOPES.map((s) => (
            <label key={s} class="inline">
              <input type="checkbox" name="scopes" value={s} /> {s}
            </label>
          ))}
          {fieldError('scopes') && <p class="field-error">{fieldError('scopes')}</p>}
        </fieldset>
        <Field label="Expires on (optional)" name="expires_at" type="date" error={fieldError('expires_at')} />
        <button type="submit">Create key</button>
      </form>
      {created?.key && <OnceSecret label={`The key ${created.name}:`} value={created.key} />}
    </details>
  )
}
