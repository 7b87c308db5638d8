package service

import (
	"sync"
	"time"

	"vms/modules/auth/ports"
)

// Login failure limits. Within any window of LoginWindow, at most
// MaxFailuresPerEmail failed logins are accepted for one (normalised) e-mail and at most
// MaxFailuresPerIP for one client IP; further attempts are answered 429 with Retry-After
// until the window that started with the first counted failure has passed. Successful
// logins are not counted. The counters live in memory, per replica, in a map of at most
// MaxLimiterKeys entries.
const (
	LoginWindow         = 15 * time.Minute
	MaxFailuresPerEmail = 5
	MaxFailuresPerIP    = 20
	MaxLimiterKeys      = 100_000
)

// Limiter counts failures per key in fixed windows. It is bounded: when full, expired
// windows are swept, and if it is still full an arbitrary key is forgotten, so memory
// stays constant under a flood of distinct keys.
type Limiter struct {
	mu      sync.Mutex
	clock   ports.Clock
	limit   int
	window  time.Duration
	maxKeys int
	windows map[string]*window
}

type window struct {
	start    time.Time
	failures int
}

// NewLimiter builds a limiter allowing limit failures per key within window.
func NewLimiter(clock ports.Clock, limit int, win time.Duration, maxKeys int) *Limiter {
	return &Limiter{clock: clock, limit: limit, window: win, maxKeys: maxKeys, windows: map[string]*window{}}
}

// Acquire counts one attempt for key unless key has used up its failures, in which case
// it reports false and how long the key stays blocked. Counting before the password is
// checked keeps parallel guesses within the limit; Release takes the count back when the
// attempt turns out to be a success.
func (l *Limiter) Acquire(key string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	if w, ok := l.windows[key]; ok {
		end := w.start.Add(l.window)
		if now.Before(end) {
			if w.failures >= l.limit {
				return false, end.Sub(now)
			}
			w.failures++
			return true, 0
		}
		delete(l.windows, key)
	}
	if len(l.windows) >= l.maxKeys {
		l.makeRoom(now)
	}
	l.windows[key] = &window{start: now, failures: 1}
	return true, 0
}

// Release takes back one attempt counted by Acquire.
func (l *Limiter) Release(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if w, ok := l.windows[key]; ok && w.failures > 0 {
		w.failures--
	}
}

// Len returns how many keys are tracked.
func (l *Limiter) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.windows)
}

func (l *Limiter) makeRoom(now time.Time) {
	for k, w := range l.windows {
		if !now.Before(w.start.Add(l.window)) {
			delete(l.windows, k)
		}
	}
	for k := range l.windows {
		if len(l.windows) < l.maxKeys {
			return
		}
		delete(l.windows, k)
	}
}
