package fake

import (
	"time"

	"vms/modules/auth/ports"
	"vms/platform/fakeclock"
)

// Clock is a settable clock.
type Clock = fakeclock.Clock

var _ ports.Clock = (*Clock)(nil)

// NewClock returns a clock stopped at t.
func NewClock(t time.Time) *Clock { return fakeclock.New(t) }
