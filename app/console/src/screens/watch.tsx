import { useEffect, useState } from 'preact/hooks'
import { deleteVideo, reprocessVideo, updateVideo, video as getVideo } from '../api/endpoints'
import { ApiError } from '../api/http'
import type { Video, Visibility } from '../api/types'
import { bytes, duration, when } from '../format'
import { Link, navigate } from '../router'
import { useSession } from '../session'
import { useAsync } from '../ui/async'
import { StatusBadge, VisibilityBadge } from '../ui/badges'
import { ConfirmButton, Loading, PageTitle, ProblemView } from '../ui/components'
import { Player, type Source } from './player'

export function Watch({ params }: { params: Record<string, string> }) {
  const id = Number(params.id)
  const v = useAsync(() => getVideo(id), [id])
  const video = v.data

  // While processing, look again every few seconds.
  useEffect(() => {
    if (video?.media.status !== 'processing') return
    const t = setTimeout(v.reload, 2000)
    return () => clearTimeout(t)
  }, [video])

  if (v.error) {
    const gone = v.error instanceof ApiError && v.error.status === 404
    return (
      <section>
        <PageTitle title="Video">{gone ? 'No such video' : 'Video'}</PageTitle>
        {gone ? <p>It was deleted, or it is private to another corporation.</p> : <ProblemView error={v.error} />}
        <p>
          <Link href="/">Back to the library</Link>
        </p>
      </section>
    )
  }
  if (!video) return <Loading />
  return <WatchVideo video={video} onChange={v.reload} />
}

function WatchVideo({ video, onChange }: { video: Video; onChange(): void }) {
  const session = useSession()
  const hasHLS = !!video.media.hls_url
  const [source, setSource] = useState<Source>(hasHLS ? 'hls' : 'original')
  const [earned, setEarned] = useState<number | null>(null)
  // Renditions that appear while the page is open are offered, not switched to mid-play.
  useEffect(() => {
    if (!hasHLS) setSource('original')
  }, [hasHLS])

  const firstPlay = () => {
    const before = session.user.point
    // The server credits the first view when the first bytes go out; read the balance
    // again once they have.
    setTimeout(async () => {
      try {
        const after = (await session.reloadUser()).point
        if (after > before) setEarned(after - before)
      } catch {
        // The balance stays as it was; the header shows it on the next page.
      }
    }, 1500)
  }

  return (
    <section>
      <PageTitle title={video.name}>{video.name}</PageTitle>
      <p class="video-meta">
        <StatusBadge status={video.media.status} /> <VisibilityBadge visibility={video.visibility} />{' '}
        <span>{duration(video.media.duration_seconds)}</span>
      </p>
      <Player video={video} source={source} onFirstPlay={firstPlay} />
      {earned !== null && (
        <p class="notice" role="status">
          You earned {earned} points for watching this video.
        </p>
      )}
      <fieldset class="sources">
        <legend>Stream</legend>
        <label class="inline">
          <input type="radio" name="source" checked={source === 'hls'} disabled={!hasHLS} onChange={() => setSource('hls')} /> Adaptive (HLS)
          {!hasHLS && <span class="muted"> · {video.media.status === 'processing' ? 'being made' : 'not available'}</span>}
        </label>
        <label class="inline">
          <input type="radio" name="source" checked={source === 'original'} onChange={() => setSource('original')} /> Original file
        </label>
      </fieldset>
      {video.media.status === 'failed' && (
        <p class="problem" role="alert">
          Processing failed: {video.media.error ?? 'no reason given'}. The original still plays.
        </p>
      )}
      <Facts video={video} />
      {session.isAdmin && session.user.corporation_id === video.corporation_id && <Manage video={video} onChange={onChange} />}
    </section>
  )
}

function Facts({ video }: { video: Video }) {
  const m = video.media
  return (
    <dl class="facts">
      <dt>Size</dt>
      <dd>{bytes(video.size_bytes)}</dd>
      <dt>Resolution</dt>
      <dd>{m.width && m.height ? `${m.width} × ${m.height}` : '–'}</dd>
      <dt>Codecs</dt>
      <dd>{[m.video_codec, m.audio_codec].filter(Boolean).join(', ') || '–'}</dd>
      <dt>Renditions</dt>
      <dd>{m.renditions.length ? m.renditions.map((r) => `${r.height}p`).join(', ') : '–'}</dd>
      <dt>Added</dt>
      <dd>{when(video.created_at)}</dd>
    </dl>
  )
}

function Manage({ video, onChange }: { video: Video; onChange(): void }) {
  const [name, setName] = useState(video.name)
  const [visibility, setVisibility] = useState<Visibility>(video.visibility)
  const [error, setError] = useState<unknown>(null)
  const [saved, setSaved] = useState('')
  const act = async (what: string, fn: () => Promise<unknown>) => {
    setError(null)
    setSaved('')
    try {
      await fn()
      setSaved(what)
      onChange()
    } catch (e) {
      setError(e)
    }
  }
  return (
    <section class="card" aria-labelledby="manage">
      <h2 id="manage">Manage</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          void act('Saved.', () => updateVideo(video.id, { name: name.trim(), visibility }))
        }}
      >
        <div class="field">
          <label for="video-name">Name</label>
          <input id="video-name" value={name} required maxLength={200} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="video-visibility">Visibility</label>
          <select id="video-visibility" value={visibility} onChange={(e) => setVisibility(e.currentTarget.value as Visibility)}>
            <option value="private">Private</option>
            <option value="public">Public</option>
          </select>
        </div>
        <div class="actions">
          <button type="submit">Save</button>
          <Link class="button secondary" href={`/videos/${video.id}/analytics`}>
            Analytics
          </Link>
          {video.source_kind === 'upload' && (
            <button type="button" class="secondary" onClick={() => void act('Processing again.', () => reprocessVideo(video.id))}>
              Process again
            </button>
          )}
          <ConfirmButton
            label="Delete"
            confirm="Move this video to the trash?"
            onConfirm={async () => {
              try {
                await deleteVideo(video.id)
                navigate('/')
              } catch (e) {
                setError(e)
              }
            }}
          />
        </div>
      </form>
      {saved && (
        <p role="status" class="notice">
          {saved}
        </p>
      )}
      <ProblemView error={error} />
    </section>
  )
}
