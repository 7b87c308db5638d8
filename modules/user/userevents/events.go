// Package userevents is the public event contract of the user module.
package userevents

import "time"

// UserCreated is published inside the unit of work that creates a user (the first
// admin of a new corporation included).
type UserCreated struct {
	UserID        int64
	CorporationID int64
	Email         string
	Role          string
	At            time.Time
}

// EventName identifies the event.
func (UserCreated) EventName() string { return "user.created" }

// UserDeleted is published inside the unit of work that soft-deletes a user.
type UserDeleted struct {
	UserID        int64
	CorporationID int64
	At            time.Time
}

// EventName identifies the event.
func (UserDeleted) EventName() string { return "user.deleted" }

// PasswordChanged is published inside the unit of work that stores a user's new
// password. At is the recorded change time: tokens issued before it no longer count.
type PasswordChanged struct {
	UserID        int64
	CorporationID int64
	At            time.Time
}

// EventName identifies the event.
func (PasswordChanged) EventName() string { return "user.password_changed" }
