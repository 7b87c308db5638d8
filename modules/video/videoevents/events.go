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

// VideoStored is published inside the unit of work that registers an uploaded file as a
// video: its original is in storage under StorageKey.
type VideoStored struct {
	VideoID       int64
	CorporationID int64
	StorageKey    string
}

// EventName identifies the event.
func (VideoStored) EventName() string { return "video.stored" }
