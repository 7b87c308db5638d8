import { useState } from 'preact/hooks'
import { ApiError, signIn } from '../api/http'
import { Link } from '../router'
import { Field, PageTitle, ProblemView } from '../ui/components'

export function SignIn({ onDone }: { onDone(): Promise<void> }) {
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const fieldError = (f: string) => (error instanceof ApiError ? error.field(f) : undefined)
  return (
    <section class="card narrow">
      <PageTitle title="Sign in">Sign in to vms</PageTitle>
      <form
        onSubmit={async (e) => {
          e.preventDefault()
          const f = new FormData(e.currentTarget)
          setBusy(true)
          setError(null)
          try {
            await signIn(String(f.get('email')), String(f.get('password')))
            await onDone()
          } catch (err) {
            setError(err)
          } finally {
            setBusy(false)
          }
        }}
      >
        <ProblemView error={error} what="Sign-in failed" />
        <Field label="E-mail" name="email" type="email" autoComplete="username" required error={fieldError('email')} />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required error={fieldError('password')} />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        New here? <Link href="/signup">Sign up your corporation</Link>
      </p>
    </section>
  )
}
