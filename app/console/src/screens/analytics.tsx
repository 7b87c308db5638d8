import { analytics, video as getVideo } from '../api/endpoints'
import { duration, percent } from '../format'
import { Link } from '../router'
import { useAsync } from '../ui/async'
import { Empty, Loading, missingAPI, NotAvailable, PageTitle, ProblemView } from '../ui/components'

export function Analytics({ params }: { params: Record<string, string> }) {
  const id = Number(params.id)
  const v = useAsync(() => getVideo(id), [id])
  const a = useAsync(() => analytics(id), [id])
  const d = a.data
  return (
    <section>
      <PageTitle title="Analytics">Analytics{v.data ? `: ${v.data.name}` : ''}</PageTitle>
      <p>
        <Link href={`/videos/${id}`}>← Back to the video</Link>
      </p>
      {a.loading && <Loading />}
      {missingAPI(a.error) ? <NotAvailable what="Watch analytics" /> : <ProblemView error={a.error} what="Analytics could not be loaded" />}
      {d && d.unique_viewers === 0 && <Empty title="Nobody has watched this video yet" />}
      {d && d.unique_viewers > 0 && (
        <>
          <dl class="stats">
            <div>
              <dt>Viewers</dt>
              <dd>{d.unique_viewers}</dd>
            </div>
            <div>
              <dt>Watched in all</dt>
              <dd>{duration(d.total_watch_seconds)}</dd>
            </div>
            <div>
              <dt>Median per viewer</dt>
              <dd>{duration(d.median_watch_seconds)}</dd>
            </div>
            <div>
              <dt>Watched to the end</dt>
              <dd>{percent(d.completion_rate)}</dd>
            </div>
          </dl>
          <Retention values={d.retention} />
        </>
      )}
    </section>
  )
}

/** Share of viewers who watched each twentieth of the video, as bars (and as a table for screen readers). */
function Retention({ values }: { values: number[] }) {
  const w = 20
  return (
    <figure class="retention">
      <figcaption>Share of viewers who watched each 5 % of the video</figcaption>
      <svg viewBox={`0 0 ${values.length * w} 100`} preserveAspectRatio="none" aria-hidden="true" focusable="false">
        {values.map((v, i) => {
          const h = Math.max(0, Math.min(1, v)) * 100
          return <rect key={i} x={i * w + 2} y={100 - h} width={w - 4} height={h} />
        })}
      </svg>
      <table class="visually-hidden">
        <thead>
          <tr>
            <th scope="col">Part</th>
            <th scope="col">Viewers</th>
          </tr>
        </thead>
        <tbody>
          {values.map((v, i) => (
            <tr key={i}>
              <td>
                {i * 5}–{i * 5 + 5} %
              </td>
              <td>{percent(v)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  )
}
