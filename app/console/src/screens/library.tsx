import { useEffect, useState } from 'preact/hooks'
import { library } from '../api/endpoints'
import type { Video } from '../api/types'
import { duration } from '../format'
import { Link, navigate, useLocation } from '../router'
import { useSession } from '../session'
import { useAsync, useCursor } from '../ui/async'
import { Empty, Loading, PageTitle, Pager, ProblemView } from '../ui/components'
import { Poster } from '../ui/poster'
import { StatusBadge, VisibilityBadge } from '../ui/badges'

export function Library() {
  const session = useSession()
  const loc = useLocation()
  const q = loc.query.get('q') ?? ''
  const [draft, setDraft] = useState(q)
  useEffect(() => setDraft(q), [q])
  const pages = useCursor([q])
  const list = useAsync(() => library(q, { cursor: pages.cursor }), [q, pages.cursor])

  // Searching as one types, once typing pauses.
  useEffect(() => {
    if (draft === q) return
    const t = setTimeout(() => navigate(draft ? `/?q=${encodeURIComponent(draft)}` : '/', { replace: true }), 350)
    return () => clearTimeout(t)
  }, [draft, q])

  const videos = list.data?.data
  return (
    <section>
      <div class="page-head">
        <PageTitle title="Library">Library</PageTitle>
        {session.isAdmin && (
          <Link class="button" href="/upload">
            Upload a video
          </Link>
        )}
      </div>
      <form
        role="search"
        class="search"
        onSubmit={(e) => {
          e.preventDefault()
          navigate(draft ? `/?q=${encodeURIComponent(draft)}` : '/', { replace: true })
        }}
      >
        <label for="search">Search videos by name</label>
        <input id="search" type="search" value={draft} maxLength={200} onInput={(e) => setDraft(e.currentTarget.value)} />
        <button type="submit" class="secondary">
          Search
        </button>
      </form>
      <ProblemView error={list.error} what="The library could not be loaded" />
      {list.loading && !videos && <Loading />}
      {videos && videos.length === 0 && (
        <Empty title={q ? `No video’s name contains “${q}”` : 'No videos yet'}>
          {!q && session.isAdmin && (
            <p>
              <Link href="/upload">Upload the first one</Link>.
            </p>
          )}
          {!q && !session.isAdmin && <p class="muted">Videos your corporation adds appear here.</p>}
        </Empty>
      )}
      {videos && videos.length > 0 && (
        <ul class="grid" aria-label="Videos" aria-busy={list.loading}>
          {videos.map((v) => (
            <VideoCard key={v.id} video={v} />
          ))}
        </ul>
      )}
      <Pager label="Library" page={pages.page} hasPrev={pages.hasPrev} next={list.data?.next ?? null} onPrev={pages.prev} onNext={pages.next} />
    </section>
  )
}

function VideoCard({ video }: { video: Video }) {
  return (
    <li class="video-card">
      <Link href={`/videos/${video.id}`} class="video-link">
        <Poster video={video} />
        <span class="video-name">{video.name}</span>
      </Link>
      <p class="video-meta">
        <span class="duration" aria-label={`Duration ${duration(video.media.duration_seconds)}`}>
          {duration(video.media.duration_seconds)}
        </span>
        <StatusBadge status={video.media.status} />
        <VisibilityBadge visibility={video.visibility} />
      </p>
    </li>
  )
}
