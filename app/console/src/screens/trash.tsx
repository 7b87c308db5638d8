import { useState } from 'preact/hooks'
import { restoreVideo, trash } from '../api/endpoints'
import { day, when } from '../format'
import { Link } from '../router'
import { useSession } from '../session'
import { useAsync, useCursor } from '../ui/async'
import { Empty, Loading, PageTitle, Pager, ProblemView } from '../ui/components'
import { Poster } from '../ui/poster'

export function Trash() {
  const session = useSession()
  const corp = session.corporation
  const pages = useCursor([])
  const list = useAsync(() => (corp ? trash(corp.id, { cursor: pages.cursor }) : Promise.reject(new Error('The corporation could not be read.'))), [corp?.id, pages.cursor])
  const [error, setError] = useState<unknown>(null)
  const [restored, setRestored] = useState<string | null>(null)
  const paid = corp?.effective_plan === 'PAID'
  const videos = list.data?.data

  return (
    <section>
      <PageTitle title="Trash">Trash</PageTitle>
      <p class="muted">Deleted videos leave every list and stream at once. Their files are kept, so they can be restored.</p>
      {corp && !paid && (
        <div class="notice warn" id="restore-why" role="note">
          <p>
            <strong>Restoring needs the PAID plan.</strong> {corp.name} is on the FREE plan
            {corp.plan_type === 'PAID' && corp.plan_expired_at ? ` since its paid plan ended on ${day(corp.plan_expired_at)}` : ''}.
          </p>
          <p>
            <Link href="/corporation">Change the plan</Link> to restore videos.
          </p>
        </div>
      )}
      <ProblemView error={list.error} what="The trash could not be loaded" />
      <ProblemView error={error} what="Restore failed" />
      {restored && (
        <p class="notice" role="status">
          Restored “{restored}”.
        </p>
      )}
      {list.loading && !videos && <Loading />}
      {videos && videos.length === 0 && <Empty title="The trash is empty" />}
      {videos && videos.length > 0 && (
        <ul class="rows" aria-label="Deleted videos">
          {videos.map((v) => (
            <li key={v.id} class="row">
              <Poster video={v} class="thumb" />
              <span class="row-main">
                <strong>{v.name}</strong>
                <span class="muted">Deleted {when(v.deleted_at)}</span>
              </span>
              <span class="row-actions">
                <button
                  type="button"
                  disabled={!paid}
                  aria-describedby={paid ? undefined : 'restore-why'}
                  onClick={async () => {
                    setError(null)
                    setRestored(null)
                    try {
                      await restoreVideo(v.id)
                      setRestored(v.name)
                      list.reload()
                    } catch (e) {
                      setError(e)
                    }
                  }}
                >
                  Restore <span class="visually-hidden">{v.name}</span>
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      <Pager label="Trash" page={pages.page} hasPrev={pages.hasPrev} next={list.data?.next ?? null} onPrev={pages.prev} onNext={pages.next} />
    </section>
  )
}
