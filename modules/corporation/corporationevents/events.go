// Package corporationevents is the public event contract of the corporation module.
package corporationevents

import "time"

// CorporationDeleted is published inside the unit of work that soft-deletes a corporation.
type CorporationDeleted struct {
	CorporationID int64
}

// EventName identifies the event.
func (CorporationDeleted) EventName() string { return "corporation.deleted" }

// The reasons a plan changes.
const (
	// PlanUpdated: an admin changed the plan type or its expiry (PUT /v1/corporations/{id}).
	PlanUpdated = "updated"
	// PlanExpired: the plan expiry job moved an expired PAID plan to FREE.
	PlanExpired = "expired"
)

// PlanChanged is published inside the unit of work that changes a corporation's plan
// type or plan expiry, by an admin's update or by the automatic downgrade of an expired
// PAID plan. Plan types are "FREE" or "PAID"; a nil expiry means none.
type PlanChanged struct {
	CorporationID         int64
	PlanType              string
	PlanExpiredAt         *time.Time
	PreviousPlanType      string
	PreviousPlanExpiredAt *time.Time
	// EffectivePlan is the plan in force at At: PAID only while unexpired.
	EffectivePlan string
	Reason        string
	At            time.Time
}

// EventName identifies the event.
func (PlanChanged) EventName() string { return "corporation.plan_changed" }
