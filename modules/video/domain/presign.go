package domain

import "time"

// The presigned stream URL rule. A browser keeps seeking on the target of a stream
// redirect for as long as it plays, so the URL must outlive a viewing: the video's
// duration plus a margin for pauses and a slow start, within bounds.
const (
	// PresignMargin is added to a known duration.
	PresignMargin = 15 * time.Minute
	// PresignDefaultTTL is the lifetime when the duration is unknown (0): an assumed
	// 45-minute viewing plus the margin.
	PresignDefaultTTL = time.Hour
	// PresignMaxTTL bounds every lifetime: it limits how long a URL that escaped keeps
	// working (SigV4 itself allows seven days). The margin is the lower bound.
	PresignMaxTTL = 12 * time.Hour
)

// PresignTTL is how long a presigned stream URL for a video of this duration stays
// valid: the duration rounded up to whole seconds plus PresignMargin, at most
// PresignMaxTTL; PresignDefaultTTL when the duration is unknown (0 or negative). The
// result is a whole number of seconds, as X-Amz-Expires carries it.
func PresignTTL(duration time.Duration) time.Duration {
	if duration <= 0 {
		return PresignDefaultTTL
	}
	d := min(duration, PresignMaxTTL) // no overflow below
	ttl := (d + time.Second - 1).Truncate(time.Second) + PresignMargin
	return min(ttl, PresignMaxTTL)
}

// RedirectMaxAge is how long a client may reuse a redirect to a URL made with
// PresignTTL(duration): the URL's lifetime minus one viewing (the assumed 45 minutes when
// the duration is unknown), so a redirect taken from the cache still leads to a URL that
// outlives the viewing. Zero means the redirect must not be stored.
func RedirectMaxAge(duration time.Duration) time.Duration {
	viewing := duration
	if viewing <= 0 {
		viewing = PresignDefaultTTL - PresignMargin
	}
	return max(PresignTTL(duration)-viewing, 0).Truncate(time.Second)
}
