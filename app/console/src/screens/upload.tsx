// Resumable uploads with tus-js-client. The upload's URL is kept in localStorage under the
// file's fingerprint (name, type, size, modification time), so after a dropped connection
// the same Upload goes on where the server stopped, and after a reload choosing the same
// file again finds the unfinished upload and resumes it.
import { useEffect, useRef, useState } from 'preact/hooks'
import * as tus from 'tus-js-client'
import { ApiError, currentToken, refreshSession, type Problem } from '../api/http'
import type { Visibility } from '../api/types'
import { bytes, when } from '../format'
import { Link } from '../router'
import { Empty, PageTitle, ProblemView } from '../ui/components'

const ENDPOINT = '/v1/uploads'
const CHUNK_SIZE = 8 * 1024 * 1024

type Phase = 'idle' | 'uploading' | 'offline' | 'paused' | 'failed' | 'done'

interface Progress {
  sent: number
  total: number
}

const authorise = async (req: tus.HttpRequest) => {
  const token = currentToken()
  if (token) req.setHeader('Authorization', `Bearer ${token}`)
}

/** The problem in a tus error's response, or the error itself. */
function tusProblem(err: Error): unknown {
  const res = (err as tus.DetailedError).originalResponse
  if (!res) return err
  const status = res.getStatus()
  let p: Problem = { type: 'about:blank', title: `The server answered ${status}`, status }
  try {
    p = { ...p, ...(JSON.parse(res.getBody()) as Partial<Problem>) }
  } catch {
    p.detail = res.getBody() || undefined
  }
  return new ApiError(p)
}

export function Upload() {
  const [file, setFile] = useState<File | null>(null)
  const [name, setName] = useState('')
  const [visibility, setVisibility] = useState<Visibility>('private')
  const [phase, setPhase] = useState<Phase>('idle')
  const [progress, setProgress] = useState<Progress>({ sent: 0, total: 0 })
  const [resumedAt, setResumedAt] = useState<number | null>(null)
  const [videoID, setVideoID] = useState<number | null>(null)
  const [error, setError] = useState<unknown>(null)
  const [unfinished, setUnfinished] = useState<tus.PreviousUpload[]>([])
  const upload = useRef<tus.Upload | null>(null)
  const fileInput = useRef<HTMLInputElement>(null)
  const phaseRef = useRef(phase)
  phaseRef.current = phase

  const listUnfinished = async () => {
    const all = await tus.defaultOptions.urlStorage.findAllUploads()
    setUnfinished(all.sort((a, b) => b.creationTime.localeCompare(a.creationTime)))
  }
  useEffect(() => {
    void listUnfinished()
  }, [])

  // Offline, a request in flight may hang rather than fail: stop it at once. Back online,
  // the same upload asks the server for its offset and goes on from there.
  useEffect(() => {
    const offline = () => {
      if (phaseRef.current === 'uploading' && upload.current) {
        setPhase('offline')
        void upload.current.abort()
      }
    }
    const online = () => {
      if (phaseRef.current === 'offline' && upload.current) {
        setPhase('uploading')
        upload.current.start()
      }
    }
    addEventListener('offline', offline)
    addEventListener('online', online)
    return () => {
      removeEventListener('offline', offline)
      removeEventListener('online', online)
      void upload.current?.abort()
    }
  }, [])

  const choose = async (f: File | null) => {
    setFile(f)
    setError(null)
    setVideoID(null)
    setPhase('idle')
    setProgress({ sent: 0, total: f?.size ?? 0 })
    setResumedAt(null)
    if (!f) return
    const probe = new tus.Upload(f, { endpoint: ENDPOINT })
    const previous = await probe.findPreviousUploads()
    setName(previous[0]?.metadata.name || f.name.replace(/\.[^.]+$/, ''))
    if (previous[0]?.metadata.visibility === 'public') setVisibility('public')
  }

  const start = async () => {
    if (!file) return
    setError(null)
    setVideoID(null)
    setResumedAt(null)
    const up = new tus.Upload(file, {
      endpoint: ENDPOINT,
      chunkSize: CHUNK_SIZE,
      retryDelays: [0, 1000, 3000, 5000, 10000],
      metadata: { name: name.trim(), filetype: file.type || 'application/octet-stream', visibility },
      storeFingerprintForResuming: true,
      removeFingerprintOnSuccess: true,
      onBeforeRequest: authorise,
      onShouldRetry: (err) => {
        const status = err.originalResponse?.getStatus() ?? 0
        if (!navigator.onLine) return false
        if (status === 401) {
          void refreshSession()
          return true
        }
        return status === 0 || status >= 500 || status === 409 || status === 423
      },
      onProgress: (sent, total) => {
        setProgress({ sent, total })
      },
      onAfterResponse: (req, res) => {
        // A HEAD asks where the server stopped: the upload goes on from its offset.
        if (req.getMethod() === 'HEAD' && res.getStatus() === 200) setResumedAt(Number(res.getHeader('Upload-Offset') ?? 0))
        const id = res.getHeader('Video-Id')
        if (id) setVideoID(Number(id))
      },
      onSuccess: () => {
        setPhase('done')
        setProgress({ sent: file.size, total: file.size })
        void listUnfinished()
      },
      onError: (err) => {
        if (!navigator.onLine) {
          setPhase('offline')
          return
        }
        setError(tusProblem(err))
        setPhase('failed')
        void listUnfinished()
      },
    })
    upload.current = up
    const previous = await up.findPreviousUploads()
    if (previous.length) {
      previous.sort((a, b) => b.creationTime.localeCompare(a.creationTime))
      up.resumeFromPreviousUpload(previous[0])
    }
    setPhase('uploading')
    up.start()
  }

  const pause = async () => {
    await upload.current?.abort()
    setPhase('paused')
    void listUnfinished()
  }

  const discard = async (u: tus.PreviousUpload) => {
    setError(null)
    try {
      if (u.uploadUrl) await tus.Upload.terminate(u.uploadUrl, { onBeforeRequest: authorise, retryDelays: [] })
    } catch (err) {
      // Already gone on the server (finished, expired or terminated): forget it here too.
      const status = (err as tus.DetailedError).originalResponse?.getStatus()
      if (status !== 404 && status !== 410) setError(tusProblem(err as Error))
    }
    await tus.defaultOptions.urlStorage.removeUpload(u.urlStorageKey)
    await listUnfinished()
  }

  const pct = progress.total ? Math.floor((progress.sent / progress.total) * 100) : 0
  const busy = phase === 'uploading' || phase === 'offline'
  return (
    <section>
      <PageTitle title="Upload">Upload a video</PageTitle>
      <form
        class="card"
        onSubmit={(e) => {
          e.preventDefault()
          void start()
        }}
      >
        <div class="field">
          <label for="file">Video file</label>
          <input
            ref={fileInput}
            id="file"
            type="file"
            accept="video/*"
            disabled={busy}
            onChange={(e) => void choose(e.currentTarget.files?.[0] ?? null)}
          />
          <p class="hint">Uploads resume after a dropped connection; after a reload, choose the same file again.</p>
        </div>
        <div class="field">
          <label for="name">Name</label>
          <input id="name" value={name} required maxLength={200} disabled={busy} onInput={(e) => setName(e.currentTarget.value)} />
        </div>
        <fieldset disabled={busy}>
          <legend>Visibility</legend>
          <label class="inline">
            <input type="radio" name="visibility" checked={visibility === 'private'} onChange={() => setVisibility('private')} /> Private: members
            of the corporation
          </label>
          <label class="inline">
            <input type="radio" name="visibility" checked={visibility === 'public'} onChange={() => setVisibility('public')} /> Public: every
            signed-in user
          </label>
        </fieldset>
        <div class="actions">
          {(phase === 'idle' || phase === 'failed' || phase === 'done') && (
            <button type="submit" disabled={!file || !name.trim() || phase === 'done'}>
              {phase === 'failed' ? 'Try again' : 'Upload'}
            </button>
          )}
          {phase === 'uploading' && (
            <button type="button" class="secondary" onClick={() => void pause()}>
              Pause
            </button>
          )}
          {phase === 'paused' && (
            <button
              type="button"
              onClick={() => {
                setPhase('uploading')
                upload.current?.start()
              }}
            >
              Resume
            </button>
          )}
        </div>
      </form>

      {phase !== 'idle' && (
        <div class="card upload-status">
          <label for="upload-progress">
            {file?.name} · {bytes(progress.sent)} of {bytes(progress.total)}
          </label>
          <progress id="upload-progress" max={100} value={pct}>
            {pct} %
          </progress>
          <p class="pct" aria-hidden="true">
            {pct} %
          </p>
          <p role="status" aria-live="polite" data-testid="upload-state">
            {phase === 'uploading' && (resumedAt !== null ? `Uploading; resumed at ${bytes(resumedAt)}.` : 'Uploading…')}
            {phase === 'offline' && 'Connection lost. The upload goes on by itself when you are back online.'}
            {phase === 'paused' && 'Paused. Resume whenever you like, even after a reload.'}
            {phase === 'failed' && 'The upload stopped.'}
            {phase === 'done' && (
              <>
                Uploaded{resumedAt !== null ? ` (resumed at ${bytes(resumedAt)})` : ''}; it is processed in the background.{' '}
                {videoID && <Link href={`/videos/${videoID}`}>Watch the video</Link>}
              </>
            )}
          </p>
          <ProblemView error={error} what="Upload failed" />
        </div>
      )}

      <h2>Unfinished uploads</h2>
      {unfinished.length === 0 ? (
        <Empty title="No unfinished uploads">
          <p class="muted">An upload interrupted by a reload or a closed tab waits here until it expires on the server.</p>
        </Empty>
      ) : (
        <ul class="rows" aria-label="Unfinished uploads">
          {unfinished.map((u) => (
            <li key={u.urlStorageKey} class="row">
              <span>
                <strong>{u.metadata.name || 'Unnamed'}</strong> <span class="muted">{bytes(u.size)} · started {when(u.creationTime)}</span>
              </span>
              <span class="row-actions">
                <button type="button" class="secondary" disabled={busy} onClick={() => fileInput.current?.click()}>
                  Choose the file to resume
                </button>
                <button type="button" class="danger" disabled={busy} onClick={() => void discard(u)}>
                  Discard
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
