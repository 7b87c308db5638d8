// The HTTP client of the console: JSON over fetch, problem+json errors, and the session's
// access token, which lives in this module's memory only. The refresh token never reaches
// a script: it is an HttpOnly cookie scoped to /v1/auth that only the refresh and logout
// calls below spend.

/** An RFC 9457 problem as the server sends it. */
export interface Problem {
  type: string
  title: string
  status: number
  detail?: string
  instance?: string
  request_id?: string
  errors?: { field: string; message: string }[]
}

/** The server's detail for a path it has no route for (platform/httpserver NoSuchRoute). */
const NO_SUCH_ROUTE = 'no such route'

/** A failed request: the problem the server answered, or one made up for a network error. */
export class ApiError extends Error {
  readonly problem: Problem
  readonly retryAfter: number | null

  constructor(problem: Problem, retryAfter: number | null = null) {
    super(problem.detail || problem.title)
    this.name = 'ApiError'
    this.problem = problem
    this.retryAfter = retryAfter
  }

  get status(): number {
    return this.problem.status
  }

  /** The server does not have this API at all (an older or smaller server). */
  get noSuchRoute(): boolean {
    return this.problem.status === 404 && this.problem.detail === NO_SUCH_ROUTE
  }

  /** The message for one field of a validation failure, if the server named it. */
  field(name: string): string | undefined {
    return this.problem.errors?.find((e) => e.field === name)?.message
  }
}

/** Sent with every request that sets or spends the refresh cookie (the server's CSRF check). */
export const CSRF_HEADER = { 'X-Requested-With': 'vms-console' } as const

interface TokenResponse {
  access_token: string
  token_type: 'bearer'
  expires_in: number
}

// Whether this browser holds a session cookie, as far as the console knows: a plain flag,
// no secret, so a first visit does not ask the server to refresh a session it never had.
const MARK = 'vms.session'
const mark = (on: boolean) => {
  try {
    if (on) localStorage.setItem(MARK, '1')
    else localStorage.removeItem(MARK)
  } catch {
    // Storage disabled: the console asks the server every time.
  }
}
const marked = () => {
  try {
    return localStorage.getItem(MARK) === '1'
  } catch {
    return true
  }
}

let accessToken: string | null = null
let refreshTimer: ReturnType<typeof setTimeout> | undefined
let onSignedOut: () => void = () => {}

/** The current access token, for clients that add it themselves (tus, posters). */
export function currentToken(): string | null {
  return accessToken
}

/** Registers what happens when the session ends on its own (refresh refused). */
export function whenSignedOut(fn: () => void): void {
  onSignedOut = fn
}

function keep(t: TokenResponse): void {
  accessToken = t.access_token
  mark(true)
  clearTimeout(refreshTimer)
  // Renew at four fifths of the lifetime, so requests rarely meet an expired token.
  const ms = Math.max(10, t.expires_in * 800)
  refreshTimer = setTimeout(() => void refreshSession(), ms)
}

export function forget(): void {
  accessToken = null
  clearTimeout(refreshTimer)
  mark(false)
}

async function problemOf(res: Response): Promise<ApiError> {
  let p: Problem = { type: 'about:blank', title: res.statusText || 'Error', status: res.status }
  const ct = res.headers.get('Content-Type') ?? ''
  if (ct.includes('json')) {
    try {
      p = { ...p, ...((await res.json()) as Partial<Problem>) }
    } catch {
      // A body that is not JSON: the status line says enough.
    }
  }
  const ra = res.headers.get('Retry-After')
  return new ApiError(p, ra ? Number(ra) : null)
}

function networkError(e: unknown): ApiError {
  const offline = typeof navigator !== 'undefined' && navigator.onLine === false
  return new ApiError({
    type: 'about:blank',
    title: offline ? 'You are offline' : 'The server cannot be reached',
    status: 0,
    detail: offline ? 'Check your connection and try again.' : String((e as Error)?.message ?? e),
  })
}

let inflight: Promise<boolean> | null = null

/**
 * Trades the refresh cookie for a new access token (and a rotated cookie). Refreshes of
 * all tabs run one at a time under a Web Lock: the server treats a spent refresh token
 * presented again as theft and ends the session, so two tabs must never spend the same
 * cookie at once. Resolves false when there is no valid session.
 */
export function refreshSession(): Promise<boolean> {
  if (!accessToken && !marked()) return Promise.resolve(false)
  if (!inflight) {
    const run = async (): Promise<boolean> => {
      let res: Response
      try {
        res = await fetch('/v1/auth/refresh', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...CSRF_HEADER },
          body: '{}',
          credentials: 'same-origin',
        })
      } catch {
        return accessToken !== null
      }
      if (res.ok) {
        keep((await res.json()) as TokenResponse)
        return true
      }
      if (res.status === 401 || res.status === 422) {
        const had = accessToken !== null
        forget()
        if (had) onSignedOut()
      }
      return false
    }
    const locked = typeof navigator !== 'undefined' && navigator.locks
      ? navigator.locks.request('vms-refresh', run)
      : run()
    inflight = locked.finally(() => {
      inflight = null
    })
  }
  return inflight
}

export interface RequestOptions {
  method?: string
  body?: unknown
  query?: Record<string, string | number | boolean | undefined | null>
  /** Leave out the Authorization header (sign-up, sign-in). */
  anonymous?: boolean
  headers?: Record<string, string>
  signal?: AbortSignal
}

export interface ApiResponse<T> {
  data: T
  headers: Headers
  /** The cursor of the next page, from the Link header (rel="next"), if any. */
  next: string | null
}

export function withQuery(path: string, query?: RequestOptions['query']): string {
  if (!query) return path
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  }
  const s = q.toString()
  return s ? `${path}?${s}` : path
}

function nextCursor(link: string | null): string | null {
  if (!link) return null
  for (const part of link.split(',')) {
    const m = /<([^>]*)>\s*;\s*rel="?next"?/.exec(part)
    if (m) return new URL(m[1], location.origin).searchParams.get('cursor')
  }
  return null
}

async function send(path: string, o: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json', ...o.headers }
  if (o.body !== undefined) headers['Content-Type'] = 'application/json'
  if (!o.anonymous && accessToken) headers.Authorization = `Bearer ${accessToken}`
  try {
    return await fetch(withQuery(path, o.query), {
      method: o.method ?? 'GET',
      headers,
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
      credentials: 'same-origin',
      signal: o.signal,
    })
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e
    throw networkError(e)
  }
}

/** Sends a request to the API; a 401 renews the session once and retries. */
export async function api<T = unknown>(path: string, o: RequestOptions = {}): Promise<ApiResponse<T>> {
  let res = await send(path, o)
  if (res.status === 401 && !o.anonymous && (await refreshSession())) {
    res = await send(path, o)
  }
  if (!res.ok) throw await problemOf(res)
  const ct = res.headers.get('Content-Type') ?? ''
  const data = (res.status === 204 || !ct.includes('json') ? undefined : await res.json()) as T
  return { data, headers: res.headers, next: nextCursor(res.headers.get('Link')) }
}

/** Fetches a binary resource with the access token (posters) as an object URL. */
export async function blobURL(path: string, signal?: AbortSignal): Promise<string> {
  let res = await send(path, { signal, headers: { Accept: 'image/*' } })
  if (res.status === 401 && (await refreshSession())) res = await send(path, { signal })
  if (!res.ok) throw await problemOf(res)
  return URL.createObjectURL(await res.blob())
}

/** Signs in; the refresh token goes into the HttpOnly cookie, the access token stays here. */
export async function signIn(email: string, password: string): Promise<void> {
  const res = await send('/v1/auth/login', {
    method: 'POST',
    anonymous: true,
    headers: { ...CSRF_HEADER },
    body: { email, password, cookie: true },
  })
  if (!res.ok) throw await problemOf(res)
  keep((await res.json()) as TokenResponse)
}

/** Signs out: the server revokes the session and clears the cookie. */
export async function signOut(everywhere = false): Promise<void> {
  try {
    if (accessToken) {
      await api(everywhere ? '/v1/auth/logout-all' : '/v1/auth/logout', {
        method: 'POST',
        headers: { ...CSRF_HEADER },
        body: everywhere ? undefined : {},
      })
    }
  } catch (e) {
    // Signed out here whatever the server says; only "everywhere" must be known to work.
    if (everywhere) throw e
  } finally {
    forget()
  }
}
