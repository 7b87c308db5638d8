import type { MediaStatus, Visibility } from '../api/types'
import { Badge } from './components'

export function StatusBadge({ status }: { status: MediaStatus }) {
  const tone = status === 'ready' ? 'ok' : status === 'failed' ? 'bad' : 'warn'
  const label = status === 'ready' ? 'Ready' : status === 'failed' ? 'Failed' : 'Processing'
  return <Badge tone={tone}>{label}</Badge>
}

export function VisibilityBadge({ visibility }: { visibility: Visibility }) {
  return <Badge tone="info">{visibility === 'public' ? 'Public' : 'Private'}</Badge>
}
