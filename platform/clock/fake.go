package clock

import (
	"sync"
	"time"
)

// Fake is a settable clock for tests; it satisfies every module's Clock port.
type Fake struct {
	mu sync.Mutex
	t  time.Time
}

// NewFake returns a clock stopped at t (in UTC).
func NewFake(t time.Time) *Fake { return &Fake{t: t.UTC()} }

// Now returns the clock's time.
func (c *Fake) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward.
func (c *Fake) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}
