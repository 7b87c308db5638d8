// Package videoevents is the public event contract of the video module.
package videoevents

// VideoViewed is published inside the unit of work that writes a user's first view log
// of a video.
type VideoViewed struct {
	UserID        int64
	VideoID       int64
	CorporationID int64
	ViewLogID     int64
}

// EventName identifies the event.
func (VideoViewed) EventName() string { return "video.viewed" }
