// The signed-in user and their corporation, shared by every screen.
import { createContext } from 'preact'
import { useContext } from 'preact/hooks'
import type { Corporation, User } from './api/types'

export interface Session {
  user: User
  corporation: Corporation | null
  isAdmin: boolean
  /** Reads the user again (the points balance after a first view). */
  reloadUser(): Promise<User>
  /** Reads the corporation again (after a plan change). */
  reloadCorporation(): Promise<void>
  signOut(everywhere?: boolean): Promise<void>
}

export const SessionContext = createContext<Session | null>(null)

export function useSession(): Session {
  const s = useContext(SessionContext)
  if (!s) throw new Error('useSession outside a signed-in page')
  return s
}
