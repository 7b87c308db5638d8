import { useState } from 'preact/hooks'
import { updateUser } from '../api/endpoints'
import { ApiError } from '../api/http'
import { when } from '../format'
import { useSession } from '../session'
import { ConfirmButton, Field, PageTitle, ProblemView } from '../ui/components'

export function Account() {
  const session = useSession()
  const u = session.user
  const [error, setError] = useState<unknown>(null)
  const [done, setDone] = useState(false)
  const fieldError = (f: string) => (error instanceof ApiError ? error.field(f) : undefined)
  return (
    <section>
      <PageTitle title="Account">Your account</PageTitle>
      <dl class="facts">
        <dt>E-mail</dt>
        <dd>{u.email}</dd>
        <dt>Role</dt>
        <dd>{u.role}</dd>
        <dt>Points</dt>
        <dd>{u.point}</dd>
        <dt>Member since</dt>
        <dd>{when(u.created_at)}</dd>
      </dl>
      <form
        class="card"
        aria-labelledby="pw"
        onSubmit={async (e) => {
          e.preventDefault()
          const form = e.currentTarget
          const f = new FormData(form)
          setError(null)
          setDone(false)
          try {
            await updateUser(u.id, { current_password: String(f.get('current_password')), password: String(f.get('password')) })
            form.reset()
            setDone(true)
          } catch (err) {
            setError(err)
          }
        }}
      >
        <h2 id="pw">Change your password</h2>
        <p class="muted">Every other session of yours ends; this one must sign in again.</p>
        <ProblemView error={error} what="The password could not be changed" />
        <Field label="Current password" name="current_password" type="password" required autoComplete="current-password" error={fieldError('current_password')} />
        <Field label="New password" name="password" type="password" required minLength={8} maxLength={72} autoComplete="new-password" hint="At least 8 characters." error={fieldError('password')} />
        <button type="submit">Change password</button>
        {done && (
          <p role="status" class="notice">
            Password changed. <button type="button" class="link" onClick={() => void session.signOut()}>Sign in again</button>
          </p>
        )}
      </form>
      <section class="card" aria-labelledby="everywhere">
        <h2 id="everywhere">Sign out everywhere</h2>
        <p class="muted">Ends every session of yours, on every device, this one included.</p>
        <ConfirmButton label="Sign out everywhere" confirm="End every session?" onConfirm={() => session.signOut(true)} />
      </section>
    </section>
  )
}
