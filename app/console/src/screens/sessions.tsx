import { sessions, user as getUser } from '../api/endpoints'
import { when } from '../format'
import { Link } from '../router'
import { useAsync, useCursor } from '../ui/async'
import { Badge, Empty, Loading, PageTitle, Pager, ProblemView } from '../ui/components'

export function Sessions({ params }: { params: Record<string, string> }) {
  const id = Number(params.id)
  const who = useAsync(() => getUser(id), [id])
  const pages = useCursor([id])
  const list = useAsync(() => sessions(id, { cursor: pages.cursor }), [id, pages.cursor])
  const rows = list.data?.data
  const now = Date.now()
  return (
    <section>
      <PageTitle title="Sessions">Sessions of {who.data?.email ?? `user ${id}`}</PageTitle>
      <p>
        <Link href="/users">← Users</Link>
      </p>
      <p class="muted">Each sign-in is one session; its refresh token rotates with use and is never shown.</p>
      <ProblemView error={who.error ?? list.error} what="The sessions could not be loaded" />
      {list.loading && !rows && <Loading />}
      {rows && rows.length === 0 && <Empty title="No sessions">{<p class="muted">This user has not signed in yet.</p>}</Empty>}
      {rows && rows.length > 0 && (
        <div class="table-wrap">
          <table class="stack">
            <caption class="visually-hidden">Sessions</caption>
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Last used</th>
                <th scope="col">Expires</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => {
                const expired = new Date(s.expires_at).getTime() < now
                return (
                  <tr key={s.id}>
                    <td data-label="Started">{when(s.created_at)}</td>
                    <td data-label="Last used">{when(s.last_used_at)}</td>
                    <td data-label="Expires">{when(s.expires_at)}</td>
                    <td data-label="State">
                      {s.revoked_at ? (
                        <>
                          <Badge tone="bad">Ended</Badge> <span class="muted small">{when(s.revoked_at)}</span>
                        </>
                      ) : expired ? (
                        <Badge tone="warn">Expired</Badge>
                      ) : (
                        <Badge tone="ok">Active</Badge>
                      )}
                    </td>
                  </tr>
                )
              })}
            </tbody>
          </table>
        </div>
      )}
      <Pager label="Sessions" page={pages.page} hasPrev={pages.hasPrev} next={list.data?.next ?? null} onPrev={pages.prev} onNext={pages.next} />
    </section>
  )
}
