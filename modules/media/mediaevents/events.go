// Package mediaevents is the public event contract of the media module.
package mediaevents

import "time"

// MediaReady is published inside the unit of work that marks a video's media ready:
// processing finished, or at once when media processing is off.
type MediaReady struct {
	VideoID         int64
	DurationSeconds float64
	Width           int
	Height          int
	At              time.Time
}

// EventName identifies the event.
func (MediaReady) EventName() string { return "media.ready" }

// MediaFailed is published inside the unit of work that marks a video's media failed:
// the tools could not read its original. Error says why.
type MediaFailed struct {
	VideoID int64
	Error   string
	At      time.Time
}

// EventName identifies the event.
func (MediaFailed) EventName() string { return "media.failed" }
