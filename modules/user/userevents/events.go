// Package userevents is the public event contract of the user module.
package userevents

// UserDeleted is published inside the unit of work that soft-deletes a user.
type UserDeleted struct {
	UserID        int64
	CorporationID int64
}

// EventName identifies the event.
func (UserDeleted) EventName() string { return "user.deleted" }
