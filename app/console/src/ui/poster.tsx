// Posters need the access token (private videos), which an <img> cannot send: they are
// fetched with it and shown from blob: URLs, kept for the page's lifetime.
import { useEffect, useState } from 'preact/hooks'
import { blobURL } from '../api/http'
import type { Video } from '../api/types'

const cache = new Map<string, Promise<string>>()

function load(url: string): Promise<string> {
  let p = cache.get(url)
  if (!p) {
    p = blobURL(url)
    p.catch(() => cache.delete(url))
    cache.set(url, p)
  }
  return p
}

/** The poster of a video as a blob: URL, or null while there is none. */
export function usePosterSrc(video: Video | undefined): string | null {
  const url = video?.media.poster_url
  const [src, setSrc] = useState<string | null>(null)
  useEffect(() => {
    setSrc(null)
    if (!url) return
    let live = true
    load(url).then(
      (s) => live && setSrc(s),
      () => live && setSrc(null),
    )
    return () => {
      live = false
    }
  }, [url])
  return src
}

export function Poster({ video, class: cls }: { video: Video; class?: string }) {
  const src = usePosterSrc(video)
  if (!src) {
    return (
      <div class={`poster placeholder ${cls ?? ''}`} aria-hidden="true">
        <span>{video.media.status === 'processing' ? 'Processing' : 'No poster'}</span>
      </div>
    )
  }
  return <img class={`poster ${cls ?? ''}`} src={src} alt="" width={320} height={180} />
}
