package domain

import "time"

// Watch is what one user watched of one video: the distinct seconds of media time served
// to them, out of the seconds the video is counted in, and when they were last served.
type Watch struct {
	VideoID int64
	UserID  int64
	Seconds Seconds
	// Duration is how many seconds the video is counted in (see SecondsIn).
	Duration  int
	FirstSeen time.Time
	LastSeen  time.Time
}

// Watched is how many distinct seconds were watched.
func (w Watch) Watched() int { return w.Seconds.Count(w.Duration) }

// Furthest is the furthest point watched, in seconds from the start: the end of the last
// second watched; 0 when none was.
func (w Watch) Furthest() int { return min(w.Seconds.Last()+1, w.Duration) }

// Merge combines two records of the same user and video (another replica's, an earlier
// flush's): the union of their seconds, the longer duration, the earliest first and the
// latest last time seen.
func (w Watch) Merge(o Watch) Watch {
	out := w
	out.Seconds = w.Seconds.Or(o.Seconds)
	out.Duration = max(w.Duration, o.Duration)
	if !o.FirstSeen.IsZero() && (out.FirstSeen.IsZero() || o.FirstSeen.Before(out.FirstSeen)) {
		out.FirstSeen = o.FirstSeen
	}
	if o.LastSeen.After(out.LastSeen) {
		out.LastSeen = o.LastSeen
	}
	return out
}
