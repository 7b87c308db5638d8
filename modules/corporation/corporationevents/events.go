// Package corporationevents is the public event contract of the corporation module.
package corporationevents

// CorporationDeleted is published inside the unit of work that soft-deletes a corporation.
type CorporationDeleted struct {
	CorporationID int64
}

// EventName identifies the event.
func (CorporationDeleted) EventName() string { return "corporation.deleted" }
