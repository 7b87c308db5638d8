import { useState } from 'preact/hooks'
import { signUp } from '../api/endpoints'
import { ApiError, signIn } from '../api/http'
import type { Plan } from '../api/types'
import { Link } from '../router'
import { Field, PageTitle, ProblemView } from '../ui/components'

export function SignUp({ onDone }: { onDone(): Promise<void> }) {
  const [error, setError] = useState<unknown>(null)
  const [busy, setBusy] = useState(false)
  const [plan, setPlan] = useState<Plan>('FREE')
  const fieldError = (f: string) => (error instanceof ApiError ? error.field(f) : undefined)
  return (
    <section class="card narrow">
      <PageTitle title="Sign up">Sign up your corporation</PageTitle>
      <form
        onSubmit={async (e) => {
          e.preventDefault()
          const f = new FormData(e.currentTarget)
          const email = String(f.get('admin_email'))
          const password = String(f.get('admin_password'))
          setBusy(true)
          setError(null)
          try {
            await signUp({
              name: String(f.get('name')),
              plan_type: plan,
              plan_expired_at: plan === 'PAID' ? String(f.get('plan_expired_at') || '') || null : null,
              admin_email: email,
              admin_password: password,
            })
            await signIn(email, password)
            await onDone()
          } catch (err) {
            setError(err)
          } finally {
            setBusy(false)
          }
        }}
      >
        <ProblemView error={error} what="Sign-up failed" />
        <Field label="Corporation name" name="name" required maxLength={100} autoComplete="organization" error={fieldError('name')} />
        <fieldset>
          <legend>Plan</legend>
          {(['FREE', 'PAID'] as Plan[]).map((p) => (
            <label key={p} class="inline">
              <input type="radio" name="plan_type" value={p} checked={plan === p} onChange={() => setPlan(p)} />{' '}
              {p === 'FREE' ? 'Free' : 'Paid (restores deleted videos)'}
            </label>
          ))}
        </fieldset>
        {plan === 'PAID' && (
          <Field label="Paid until" name="plan_expired_at" type="date" required error={fieldError('plan_expired_at')} />
        )}
        <Field label="Admin e-mail" name="admin_email" type="email" autoComplete="username" required error={fieldError('admin_email')} />
        <Field
          label="Admin password"
          name="admin_password"
          type="password"
          autoComplete="new-password"
          required
          minLength={8}
          maxLength={72}
          hint="At least 8 characters."
          error={fieldError('admin_password')}
        />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing up…' : 'Sign up'}
        </button>
      </form>
      <p>
        Already have an account? <Link href="/signin">Sign in</Link>
      </p>
    </section>
  )
}
