// Package clock is the wall clock the modules' Clock ports are given in production, and a
// settable one for tests.
package clock

import "time"

// System is the wall clock in UTC.
type System struct{}

// Now returns the current time in UTC.
func (System) Now() time.Time { return time.Now().UTC() }
