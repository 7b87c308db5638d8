// One function per API operation the console uses. Screens call these, never fetch.
import { api, type ApiResponse } from './http'
import type {
  Analytics,
  ApiKey,
  Corporation,
  Delivery,
  Playback,
  Plan,
  Role,
  Scope,
  Session,
  Usage,
  User,
  Video,
  Visibility,
  Webhook,
} from './types'

export interface Page {
  cursor?: string | null
  limit?: number
}

const page = (p?: Page) => ({ cursor: p?.cursor ?? undefined, limit: p?.limit ?? 20 })

// Accounts.
export const me = () => api<User>('/v1/auth/me').then((r) => r.data)

export const signUp = (b: {
  name: string
  plan_type: Plan
  plan_expired_at: string | null
  admin_email: string
  admin_password: string
}) => api<Corporation>('/v1/corporations', { method: 'POST', body: b, anonymous: true }).then((r) => r.data)

export const myCorporation = () =>
  api<Corporation[]>('/v1/corporations').then((r) => {
    if (!r.data.length) throw new Error('no corporation')
    return r.data[0]
  })

export const updateCorporation = (id: number, b: { name: string; plan_type: Plan; plan_expired_at: string | null }) =>
  api<Corporation>(`/v1/corporations/${id}`, { method: 'PUT', body: b }).then((r) => r.data)

export const usage = (id: number, q: { from?: string; to?: string }) =>
  api<Usage>(`/v1/corporations/${id}/usage`, { query: q }).then((r) => r.data)

export const users = (p?: Page) => api<User[]>('/v1/users', { query: page(p) })

export const createUser = (b: { email: string; password: string; role: Role }) =>
  api<User>('/v1/users', { method: 'POST', body: b }).then((r) => r.data)

export const updateUser = (id: number, b: { role?: Role; password?: string; current_password?: string }) =>
  api<User>(`/v1/users/${id}`, { method: 'PUT', body: b }).then((r) => r.data)

export const deleteUser = (id: number) => api(`/v1/users/${id}`, { method: 'DELETE' })

export const user = (id: number) => api<User>(`/v1/users/id/${id}`).then((r) => r.data)

export const sessions = (userID: number, p?: Page) => api<Session[]>(`/v1/tokens/${userID}`, { query: page(p) })

// Videos.
export const library = (q: string, p?: Page): Promise<ApiResponse<Video[]>> =>
  api<Video[]>('/v1/videos', { query: { q, ...page(p) } })

export const trash = (corporationID: number, p?: Page) =>
  api<Video[]>(`/v1/videos/${corporationID}`, { query: { deleted: true, ...page(p) } })

export const video = (id: number) => api<Video>(`/v1/videos/id/${id}`).then((r) => r.data)

export const updateVideo = (id: number, b: { name?: string; visibility?: Visibility }) =>
  api<Video>(`/v1/videos/${id}`, { method: 'PUT', body: b }).then((r) => r.data)

export const deleteVideo = (id: number) => api(`/v1/videos/${id}`, { method: 'DELETE' })

export const restoreVideo = (id: number) => api<Video>(`/v1/videos/${id}/restore`, { method: 'PUT' }).then((r) => r.data)

export const reprocessVideo = (id: number) => api(`/v1/videos/${id}/process`, { method: 'POST' })

export const playback = (id: number) => api<Playback>(`/v1/videos/${id}/playback`).then((r) => r.data)

export const analytics = (id: number) => api<Analytics>(`/v1/videos/${id}/analytics`).then((r) => r.data)

// Automation.
export const apiKeys = (p?: Page) => api<ApiKey[]>('/v1/api-keys', { query: page(p) })

export const createApiKey = (b: { name: string; scopes: Scope[]; expires_at?: string }) =>
  api<ApiKey>('/v1/api-keys', { method: 'POST', body: b }).then((r) => r.data)

export const revokeApiKey = (id: number) => api(`/v1/api-keys/${id}`, { method: 'DELETE' })

export const webhooks = (p?: Page) => api<Webhook[]>('/v1/webhooks', { query: page(p) })

export const webhook = (id: number) => api<Webhook>(`/v1/webhooks/${id}`).then((r) => r.data)

export const createWebhook = (b: { url: string; events: string[]; description: string; enabled: boolean }) =>
  api<Webhook>('/v1/webhooks', { method: 'POST', body: b }).then((r) => r.data)

export const updateWebhook = (id: number, b: { url: string; events: string[]; description: string; enabled: boolean }) =>
  api<Webhook>(`/v1/webhooks/${id}`, { method: 'PUT', body: b }).then((r) => r.data)

export const deleteWebhook = (id: number) => api(`/v1/webhooks/${id}`, { method: 'DELETE' })

export const testWebhook = (id: number) => api(`/v1/webhooks/${id}/test`, { method: 'POST' })

export const deliveries = (id: number, p?: Page) => api<Delivery[]>(`/v1/webhooks/${id}/deliveries`, { query: page(p) })

export const retryDelivery = (id: number, deliveryID: number | string) =>
  api(`/v1/webhooks/${id}/deliveries/${deliveryID}/retry`, { method: 'POST' })
