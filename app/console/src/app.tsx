// The console's shell: restores the session from the refresh cookie, then shows either
// the sign-in pages or the signed-in layout with the screen of the current path.
import { type Dispatch, type StateUpdater, useCallback, useEffect, useMemo, useState } from 'preact/hooks'
import { me, myCorporation } from './api/endpoints'
import { refreshSession, signOut as apiSignOut, whenSignedOut } from './api/http'
import type { Corporation, User } from './api/types'
import { routes } from './routes'
import { Link, match, navigate, useLocation } from './router'
import { SignIn } from './screens/signin'
import { SignUp } from './screens/signup'
import { NotFound } from './screens/notfound'
import { SessionContext, type Session } from './session'
import { Loading, ProblemView } from './ui/components'

type State =
  | { kind: 'starting' }
  | { kind: 'signed-out'; error?: unknown }
  | { kind: 'signed-in'; user: User; corporation: Corporation | null }

const PUBLIC = ['/signin', '/signup']

export function App() {
  const [state, setState] = useState<State>({ kind: 'starting' })
  const loc = useLocation()

  const load = useCallback(async () => {
    const [user, corporation] = await Promise.all([me(), myCorporation().catch(() => null)])
    setState({ kind: 'signed-in', user, corporation })
  }, [])

  useEffect(() => {
    whenSignedOut(() => setState({ kind: 'signed-out' }))
    refreshSession()
      .then((ok) => (ok ? load() : setState({ kind: 'signed-out' })))
      .catch((error) => setState({ kind: 'signed-out', error }))
  }, [load])

  if (state.kind === 'starting') {
    return (
      <main id="main" class="centered">
        <Loading label="Starting" />
      </main>
    )
  }

  if (state.kind === 'signed-out') {
    if (!PUBLIC.includes(loc.path)) {
      const next = loc.path === '/' ? '' : `?next=${encodeURIComponent(loc.path + (loc.query.size ? `?${loc.query}` : ''))}`
      return <Redirect to={`/signin${next}`} />
    }
    const done = async () => {
      await load()
      const next = loc.query.get('next')
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true })
    }
    return (
      <main id="main" class="centered">
        <ProblemView error={state.error} what="The session could not be restored" />
        {loc.path === '/signup' ? <SignUp onDone={done} /> : <SignIn onDone={done} />}
      </main>
    )
  }

  if (PUBLIC.includes(loc.path)) return <Redirect to="/" />
  return <SignedIn state={state} setState={setState} />
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to])
  return null
}

type SignedInState = Extract<State, { kind: 'signed-in' }>

function SignedIn({ state, setState }: { state: SignedInState; setState: Dispatch<StateUpdater<State>> }) {
  const loc = useLocation()
  const [menuOpen, setMenuOpen] = useState(false)
  useEffect(() => setMenuOpen(false), [loc.path])

  const session = useMemo<Session>(
    () => ({
      user: state.user,
      corporation: state.corporation,
      isAdmin: state.user.role === 'admin',
      reloadUser: async () => {
        const user = await me()
        setState((s) => (s.kind === 'signed-in' ? { ...s, user } : s))
        return user
      },
      reloadCorporation: async () => {
        const corporation = await myCorporation()
        setState((s) => (s.kind === 'signed-in' ? { ...s, corporation } : s))
      },
      signOut: async (everywhere = false) => {
        await apiSignOut(everywhere)
        setState({ kind: 'signed-out' })
        navigate('/signin')
      },
    }),
    [state, setState],
  )

  let screen = <NotFound />
  for (const r of routes) {
    const params = match(r.path, loc.path)
    if (!params) continue
    const Screen = r.screen
    screen = r.admin && !session.isAdmin ? <NotFound reason="This page is for admins of the corporation." /> : <Screen params={params} />
    break
  }
  const nav = routes.filter((r) => r.nav && (!r.admin || session.isAdmin))

  return (
    <SessionContext.Provider value={session}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <Link class="brand" href="/">
          vms
        </Link>
        <button
          type="button"
          class="menu-toggle secondary"
          aria-expanded={menuOpen}
          aria-controls="nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          Menu
        </button>
        <nav id="nav" aria-label="Main" class={menuOpen ? 'open' : ''}>
          <ul>
            {nav.map((r) => {
              const current = r.path === '/' ? loc.path === '/' || loc.path.startsWith('/videos/') : loc.path.startsWith(r.path)
              return (
                <li key={r.path}>
                  <Link href={r.path} aria-current={current ? 'page' : undefined}>
                    {r.nav}
                  </Link>
                </li>
              )
            })}
          </ul>
        </nav>
        <div class="who">
          <span class="points" aria-live="polite" data-testid="points">
            {state.user.point} points
          </span>
          <span class="email">{state.user.email}</span>
          <button type="button" class="secondary" onClick={() => void session.signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {screen}
      </main>
    </SessionContext.Provider>
  )
}
