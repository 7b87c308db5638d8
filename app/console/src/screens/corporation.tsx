import { useState } from 'preact/hooks'
import { updateCorporation, usage } from '../api/endpoints'
import { ApiError } from '../api/http'
import type { Corporation, Plan } from '../api/types'
import { bytes, day, when } from '../format'
import { useSession } from '../session'
import { useAsync } from '../ui/async'
import { Badge, Empty, Field, Loading, missingAPI, NotAvailable, PageTitle, ProblemView } from '../ui/components'

export function CorporationScreen() {
  const session = useSession()
  const corp = session.corporation
  if (!corp) {
    return (
      <section>
        <PageTitle title="Corporation">Corporation</PageTitle>
        <ProblemView error={new Error('The corporation could not be read.')} />
      </section>
    )
  }
  return (
    <section>
      <PageTitle title="Corporation">{corp.name}</PageTitle>
      <dl class="facts">
        <dt>Plan</dt>
        <dd>
          <Badge tone={corp.effective_plan === 'PAID' ? 'ok' : 'info'}>{corp.effective_plan}</Badge>
          {corp.plan_type !== corp.effective_plan && <span class="muted"> (the paid plan has ended)</span>}
        </dd>
        <dt>Paid until</dt>
        <dd>{corp.plan_expired_at ? day(corp.plan_expired_at) : '–'}</dd>
        <dt>Signed up</dt>
        <dd>{when(corp.created_at)}</dd>
      </dl>
      {session.isAdmin && <EditCorporation corp={corp} onSaved={session.reloadCorporation} />}
      {session.isAdmin && <UsagePanel corp={corp} />}
    </section>
  )
}

function EditCorporation({ corp, onSaved }: { corp: Corporation; onSaved(): Promise<void> }) {
  const [plan, setPlan] = useState<Plan>(corp.plan_type)
  const [error, setError] = useState<unknown>(null)
  const [saved, setSaved] = useState(false)
  const fieldError = (f: string) => (error instanceof ApiError ? error.field(f) : undefined)
  return (
    <form
      class="card"
      aria-labelledby="edit-corp"
      onSubmit={async (e) => {
        e.preventDefault()
        const f = new FormData(e.currentTarget)
        setError(null)
        setSaved(false)
        try {
          await updateCorporation(corp.id, {
            name: String(f.get('name')),
            plan_type: plan,
            plan_expired_at: plan === 'PAID' ? String(f.get('plan_expired_at') || '') || null : null,
          })
          await onSaved()
          setSaved(true)
        } catch (err) {
          setError(err)
        }
      }}
    >
      <h2 id="edit-corp">Name and plan</h2>
      <ProblemView error={error} what="The corporation could not be saved" />
      <Field label="Name" name="name" required maxLength={100} defaultValue={corp.name} error={fieldError('name')} />
      <div class="field">
        <label for="f-plan">Plan</label>
        <select id="f-plan" value={plan} onChange={(e) => setPlan(e.currentTarget.value as Plan)}>
          <option value="FREE">FREE</option>
          <option value="PAID">PAID: deleted videos can be restored</option>
        </select>
      </div>
      {plan === 'PAID' && (
        <Field
          label="Paid until"
          name="plan_expired_at"
          type="date"
          required
          defaultValue={corp.plan_expired_at ? corp.plan_expired_at.slice(0, 10) : ''}
          error={fieldError('plan_expired_at')}
        />
      )}
      <button type="submit">Save</button>
      {saved && (
        <p role="status" class="notice">
          Saved.
        </p>
      )}
    </form>
  )
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10)

function UsagePanel({ corp }: { corp: Corporation }) {
  const to = new Date()
  const from = new Date(to.getTime() - 29 * 86400_000)
  const u = useAsync(() => usage(corp.id, { from: isoDay(from), to: isoDay(to) }), [corp.id])
  return (
    <section class="card" aria-labelledby="usage">
      <h2 id="usage">Usage and quota</h2>
      {u.loading && <Loading />}
      {missingAPI(u.error) ? <NotAvailable what="Usage" /> : <ProblemView error={u.error} what="Usage could not be loaded" />}
      {u.data && (
        <>
          <div class="quota">
            <label for="quota">
              Stored: {bytes(u.data.used_bytes)} {u.data.quota_bytes > 0 ? `of ${bytes(u.data.quota_bytes)}` : '(no limit)'}
            </label>
            {u.data.quota_bytes > 0 && <meter id="quota" min={0} max={u.data.quota_bytes} value={u.data.used_bytes} high={u.data.quota_bytes * 0.9} />}
          </div>
          {u.data.days.length === 0 ? (
            <Empty title="No activity in the last 30 days" />
          ) : (
            <div class="table-wrap">
              <table class="stack">
                <caption>The last 30 days</caption>
                <thead>
                  <tr>
                    <th scope="col">Day</th>
                    <th scope="col">Stored</th>
                    <th scope="col">Served</th>
                    <th scope="col">First views</th>
                    <th scope="col">Uploads</th>
                  </tr>
                </thead>
                <tbody>
                  {u.data.days.map((d) => (
                    <tr key={d.date}>
                      <th scope="row">{day(d.date)}</th>
                      <td data-label="Stored">{bytes(d.stored_bytes)}</td>
                      <td data-label="Served">{bytes(d.egress_bytes)}</td>
                      <td data-label="First views">{d.first_views}</td>
                      <td data-label="Uploads">{d.uploads}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  )
}
