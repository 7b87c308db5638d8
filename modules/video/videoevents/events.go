// Package videoevents is the public event contract of the video module.
package videoevents

import "time"

// VideoViewed is published inside the unit of work that writes a user's first view log
// of a video. CorporationID owns the video; UserCorporationID is the viewer's, which
// differs for another corporation's public video. Points is what the view credits the
// viewer (POINTS_PER_VIEW).
type VideoViewed struct {
	UserID            int64
	VideoID           int64
	CorporationID     int64
	UserCorporationID int64
	ViewLogID         int64
	Points            int64
	At                time.Time
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

// VideoCreated is published inside the unit of work that creates a video: a registered
// source URL (SourceKind "url") or a stored upload ("upload").
type VideoCreated struct {
	VideoID       int64
	CorporationID int64
	Name          string
	Visibility    string
	SourceKind    string
	At            time.Time
}

// EventName identifies the event.
func (VideoCreated) EventName() string { return "video.created" }

// VideoDeleted is published inside the unit of work that soft-deletes a video.
type VideoDeleted struct {
	VideoID       int64
	CorporationID int64
	At            time.Time
}

// EventName identifies the event.
func (VideoDeleted) EventName() string { return "video.deleted" }

// VideoRestored is published inside the unit of work that restores a deleted video.
type VideoRestored struct {
	VideoID       int64
	CorporationID int64
	At            time.Time
}

// EventName identifies the event.
func (VideoRestored) EventName() string { return "video.restored" }
