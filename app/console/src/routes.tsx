// Every screen of the console: its path, its title, who sees it and whether the navigation
// lists it. A new screen is one file under screens/ and one entry here.
import type { FunctionComponent } from 'preact'
import { Account } from './screens/account'
import { Analytics } from './screens/analytics'
import { ApiKeys } from './screens/apikeys'
import { CorporationScreen } from './screens/corporation'
import { Library } from './screens/library'
import { Sessions } from './screens/sessions'
import { Trash } from './screens/trash'
import { Upload } from './screens/upload'
import { Users } from './screens/users'
import { Watch } from './screens/watch'
import { WebhookDetail, Webhooks } from './screens/webhooks'

export interface Route {
  path: string
  title: string
  screen: FunctionComponent<{ params: Record<string, string> }>
  /** Only admins may open it. */
  admin?: boolean
  /** Listed in the navigation under this label. */
  nav?: string
}

export const routes: Route[] = [
  { path: '/', title: 'Library', screen: Library, nav: 'Library' },
  { path: '/upload', title: 'Upload', screen: Upload, admin: true, nav: 'Upload' },
  { path: '/videos/:id', title: 'Watch', screen: Watch },
  { path: '/videos/:id/analytics', title: 'Analytics', screen: Analytics, admin: true },
  { path: '/trash', title: 'Trash', screen: Trash, admin: true, nav: 'Trash' },
  { path: '/users', title: 'Users', screen: Users, admin: true, nav: 'Users' },
  { path: '/users/:id/sessions', title: 'Sessions', screen: Sessions, admin: true },
  { path: '/corporation', title: 'Corporation', screen: CorporationScreen, nav: 'Corporation' },
  { path: '/api-keys', title: 'API keys', screen: ApiKeys, admin: true, nav: 'API keys' },
  { path: '/webhooks', title: 'Webhooks', screen: Webhooks, admin: true, nav: 'Webhooks' },
  { path: '/webhooks/:id', title: 'Webhook', screen: WebhookDetail, admin: true },
  { path: '/account', title: 'Account', screen: Account, nav: 'Account' },
]
