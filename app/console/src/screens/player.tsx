// The player: hls.js (loaded only when needed) on the HLS master playlist once media
// processing made renditions, the original file otherwise or on request. Both come with
// playback tokens in their URLs, since a <video> element cannot send the Authorization
// header; hls.js runs without a worker, so the CSP needs no blob: scripts. Nothing of the
// video itself loads before the viewer presses play, since the first bytes of a stream
// count as a view (and credit points).
import { useEffect, useRef, useState } from 'preact/hooks'
import { playback } from '../api/endpoints'
import type { Playback, Video } from '../api/types'
import { ProblemView } from '../ui/components'
import { usePosterSrc } from '../ui/poster'

export type Source = 'hls' | 'original'

interface HlsLike {
  destroy(): void
}

export function Player({ video, source, onFirstPlay }: { video: Video; source: Source; onFirstPlay(): void }) {
  const el = useRef<HTMLVideoElement>(null)
  const [error, setError] = useState<unknown>(null)
  const poster = usePosterSrc(video)
  const played = useRef(false)
  // Whether the source is attached: the browser tests wait for it before pressing play.
  const [ready, setReady] = useState(false)

  useEffect(() => {
    const media = el.current
    if (!media) return
    let hls: HlsLike | null = null
    let stopWaiting = () => {}
    let live = true
    let lastRenewal = 0
    setError(null)
    setReady(false)

    const attach = async (resumeAt = 0) => {
      const pb = await playback(video.id)
      if (!live) return
      await attachTo(pb, resumeAt)
      if (!live) return
      setReady(true)
    }
    const attachTo = async (pb: Playback, resumeAt: number) => {
      const Hls = source === 'hls' && pb.hls_url ? (await import('hls.js/light')).default : null
      if (!live) return
      // A play pressed while the player was being set up: make sure it goes on once the
      // source is in place.
      const wanted = !media.paused
      const replay = () => {
        if (wanted) media.play().catch(() => {})
      }
      if (Hls && pb.hls_url && Hls.isSupported()) {
        // Segments load once the viewer presses play: the first one counts as a view.
        const h = new Hls({ enableWorker: false, autoStartLoad: false })
        const start = () => {
          media.removeEventListener('play', start)
          h.startLoad()
        }
        media.addEventListener('play', start)
        stopWaiting = () => media.removeEventListener('play', start)
        h.on(Hls.Events.ERROR, (_e, data) => {
          if (data.fatal) setError(new Error(`HLS playback failed: ${data.details}`))
        })
        h.loadSource(pb.hls_url)
        h.attachMedia(media)
        hls = h
        // Already playing (a play with no source yet fires no second play event).
        if (wanted) start()
      } else if (Hls && pb.hls_url && media.canPlayType('application/vnd.apple.mpegurl')) {
        media.src = pb.hls_url
      } else {
        media.src = pb.url
        if (resumeAt) media.currentTime = resumeAt
      }
      replay()
    }

    // The original's URL carries a 10-minute token: when it lapses mid-viewing the next
    // range request fails, so fetch a fresh URL and go on from the same point.
    const onError = () => {
      if (source !== 'original' || Date.now() - lastRenewal < 10_000) {
        setError(new Error('The video cannot be played.'))
        return
      }
      lastRenewal = Date.now()
      const at = media.currentTime
      const wasPlaying = !media.paused
      attach(at).then(() => {
        if (wasPlaying) media.play().catch(() => {})
      }, setError)
    }
    const onPlaying = () => {
      if (!played.current) {
        played.current = true
        onFirstPlay()
      }
    }
    media.addEventListener('error', onError)
    media.addEventListener('playing', onPlaying)
    attach().catch(setError)
    return () => {
      live = false
      media.removeEventListener('error', onError)
      media.removeEventListener('playing', onPlaying)
      stopWaiting()
      hls?.destroy()
      media.removeAttribute('src')
      media.load()
    }
  }, [video.id, source])

  return (
    <div class="player">
      <video
        ref={el}
        controls
        playsInline
        preload="none"
        poster={poster ?? undefined}
        aria-label={`Video: ${video.name}`}
        data-source={source}
        data-ready={ready ? 'true' : undefined}
      />
      <ProblemView error={error} what="Playback" />
    </div>
  )
}
