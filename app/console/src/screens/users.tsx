import { useState } from 'preact/hooks'
import { createUser, deleteUser, updateUser, users } from '../api/endpoints'
import { ApiError } from '../api/http'
import type { Role, User } from '../api/types'
import { when } from '../format'
import { Link } from '../router'
import { useSession } from '../session'
import { useAsync, useCursor } from '../ui/async'
import { ConfirmButton, Field, Loading, PageTitle, Pager, ProblemView } from '../ui/components'

export function Users() {
  const pages = useCursor([])
  const list = useAsync(() => users({ cursor: pages.cursor }), [pages.cursor])
  const all = list.data?.data
  return (
    <section>
      <PageTitle title="Users">Users</PageTitle>
      <NewUser onCreated={list.reload} />
      <ProblemView error={list.error} what="The users could not be loaded" />
      {list.loading && !all && <Loading />}
      {all && (
        <div class="table-wrap">
          <table class="stack">
            <caption class="visually-hidden">Users of the corporation</caption>
            <thead>
              <tr>
                <th scope="col">E-mail</th>
                <th scope="col">Role</th>
                <th scope="col">Points</th>
                <th scope="col">Added</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {all.map((u) => (
                <UserRow key={u.id} user={u} onChange={list.reload} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager label="Users" page={pages.page} hasPrev={pages.hasPrev} next={list.data?.next ?? null} onPrev={pages.prev} onNext={pages.next} />
    </section>
  )
}

function NewUser({ onCreated }: { onCreated(): void }) {
  const [error, setError] = useState<unknown>(null)
  const [created, setCreated] = useState<string | null>(null)
  const fieldError = (f: string) => (error instanceof ApiError ? error.field(f) : undefined)
  return (
    <details class="card">
      <summary>Add a user</summary>
      <form
        onSubmit={async (e) => {
          e.preventDefault()
          const form = e.currentTarget
          const f = new FormData(form)
          setError(null)
          setCreated(null)
          try {
            const u = await createUser({ email: String(f.get('email')), password: String(f.get('password')), role: f.get('role') as Role })
            setCreated(u.email)
            form.reset()
            onCreated()
          } catch (err) {
            setError(err)
          }
        }}
      >
        <ProblemView error={error} what="The user could not be added" />
        <Field label="E-mail" name="email" type="email" required autoComplete="off" error={fieldError('email')} />
        <Field label="Password" name="password" type="password" required minLength={8} maxLength={72} autoComplete="new-password" hint="At least 8 characters." error={fieldError('password')} />
        <div class="field">
          <label for="f-role">Role</label>
          <select id="f-role" name="role">
            <option value="guest">Guest: watches videos</option>
            <option value="admin">Admin: manages users and videos</option>
          </select>
        </div>
        <button type="submit">Add user</button>
        {created && (
          <p role="status" class="notice">
            Added {created}.
          </p>
        )}
      </form>
    </details>
  )
}

function UserRow({ user, onChange }: { user: User; onChange(): void }) {
  const session = useSession()
  const self = user.id === session.user.id
  const [error, setError] = useState<unknown>(null)
  const [resetting, setResetting] = useState(false)
  const [done, setDone] = useState('')
  const run = async (what: string, fn: () => Promise<unknown>) => {
    setError(null)
    setDone('')
    try {
      await fn()
      setDone(what)
      onChange()
    } catch (e) {
      setError(e)
    }
  }
  return (
    <tr>
      <th scope="row">
        {user.email}
        {self && <span class="muted"> (you)</span>}
      </th>
      <td data-label="Role">
        <label class="visually-hidden" for={`role-${user.id}`}>
          Role of {user.email}
        </label>
        <select
          id={`role-${user.id}`}
          value={user.role}
          disabled={self}
          onChange={(e) => void run('Role changed.', () => updateUser(user.id, { role: e.currentTarget.value as Role }))}
        >
          <option value="guest">Guest</option>
          <option value="admin">Admin</option>
        </select>
      </td>
      <td data-label="Points">{user.point}</td>
      <td data-label="Added">{when(user.created_at)}</td>
      <td data-label="Actions">
        <div class="cell-actions">
        <Link class="button secondary" href={`/users/${user.id}/sessions`}>
          Sessions <span class="visually-hidden">of {user.email}</span>
        </Link>
        {!self && !resetting && (
          <button type="button" class="secondary" onClick={() => setResetting(true)}>
            Reset password <span class="visually-hidden">of {user.email}</span>
          </button>
        )}
        {resetting && (
          <form
            class="inline-form"
            onSubmit={(e) => {
              e.preventDefault()
              const pw = String(new FormData(e.currentTarget).get('password'))
              void run('Password reset; their sessions ended.', () => updateUser(user.id, { password: pw })).then(() => setResetting(false))
            }}
          >
            <label for={`pw-${user.id}`}>New password for {user.email}</label>
            <input id={`pw-${user.id}`} name="password" type="password" required minLength={8} maxLength={72} autoComplete="new-password" />
            <button type="submit">Set</button>
            <button type="button" class="secondary" onClick={() => setResetting(false)}>
              Cancel
            </button>
          </form>
        )}
        {!self && <ConfirmButton label="Delete" confirm={`Delete ${user.email}?`} onConfirm={() => run('Deleted.', () => deleteUser(user.id))} />}
        {done && (
          <span role="status" class="notice small">
            {done}
          </span>
        )}
        </div>
        <ProblemView error={error} />
      </td>
    </tr>
  )
}
