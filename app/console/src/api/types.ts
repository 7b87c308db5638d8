// The API's bodies, as app/docs/openapi.json describes them (snake_case, RFC 3339 times).

export type Role = 'admin' | 'guest'
export type Plan = 'FREE' | 'PAID'
export type Visibility = 'private' | 'public'
export type MediaStatus = 'processing' | 'ready' | 'failed'

export interface User {
  id: number
  email: string
  role: Role
  corporation_id: number
  point: number
  created_at: string
  updated_at: string
}

export interface Corporation {
  id: number
  name: string
  plan_type: Plan
  plan_expired_at: string | null
  effective_plan: Plan
  created_at: string
  updated_at: string
}

export interface Media {
  status: MediaStatus
  error: string | null
  duration_seconds: number | null
  width: number | null
  height: number | null
  video_codec: string | null
  audio_codec: string | null
  bitrate: number | null
  poster_url: string | null
  hls_url: string | null
  renditions: { height: number; bandwidth: number }[]
}

export interface Video {
  id: number
  name: string
  corporation_id: number
  visibility: Visibility
  source_kind: 'upload' | 'url'
  file_path: string | null
  content_type: string
  size_bytes: number
  deleted: boolean
  deleted_at: string | null
  created_at: string
  updated_at: string
  media: Media
}

export interface Playback {
  url: string
  hls_url: string | null
  expires_at: string
}

export interface Session {
  id: number
  created_at: string
  expires_at: string
  last_used_at: string | null
  revoked_at: string | null
}

// §11 of the specification: usage, quotas and watch analytics.
export interface UsageDay {
  date: string
  stored_bytes: number
  egress_bytes: number
  first_views: number
  uploads: number
}

export interface Usage {
  quota_bytes: number
  used_bytes: number
  days: UsageDay[]
}

export interface Analytics {
  unique_viewers: number
  total_watch_seconds: number
  median_watch_seconds: number
  completion_rate: number
  retention: number[]
}

// §12: API keys and webhooks.
export const API_KEY_SCOPES = [
  'videos:read',
  'videos:write',
  'users:read',
  'users:write',
  'webhooks:write',
  'analytics:read',
] as const
export type Scope = (typeof API_KEY_SCOPES)[number]

export interface ApiKey {
  id: number
  name: string
  prefix: string
  scopes: Scope[]
  created_at: string
  last_used_at: string | null
  expires_at: string | null
  revoked_at: string | null
  /** Only in the answer that created it. */
  key?: string
}

export const WEBHOOK_EVENTS = [
  'video.created',
  'video.ready',
  'video.failed',
  'video.deleted',
  'video.restored',
  'view.first',
  'user.created',
  'user.deleted',
  'corporation.plan_changed',
] as const

export interface Webhook {
  id: number
  url: string
  events: string[]
  description: string
  enabled: boolean
  created_at?: string
  updated_at?: string
  /** Only in the answer that created it. */
  secret?: string
}

export interface Delivery {
  id: number
  event_id: string
  type: string
  status: string
  http_status?: number | null
  status_code?: number | null
  duration_ms?: number | null
  error?: string | null
  attempt: number
  next_attempt_at?: string | null
  created_at?: string
}
