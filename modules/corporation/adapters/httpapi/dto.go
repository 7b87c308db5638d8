// Package httpapi serves the corporation routes.
package httpapi

import (
	"strconv"
	"time"

	"vms/modules/corporation/domain"
)

// SignUpRequest creates a corporation with its first admin.
type SignUpRequest struct {
	Name     *string `json:"name" validate:"required" minLength:"1" maxLength:"100" example:"Acme"`
	PlanType *string `json:"plan_type" validate:"required" enums:"FREE,PAID" example:"PAID"`
	// When the PAID plan ends: an RFC 3339 time or a YYYY-MM-DD date (midnight UTC); required for PAID, may be left out or null for FREE.
	PlanExpiredAt *string `json:"plan_expired_at" extensions:"x-nullable" minLength:"10" maxLength:"64" example:"2030-12-31"`
	AdminEmail    *string `json:"admin_email" validate:"required" format:"email" minLength:"3" maxLength:"254" example:"admin@acme.example"`
	AdminPassword *string `json:"admin_password" validate:"required" minLength:"8" maxLength:"72" example:"correct horse battery"`
}

// UpdateCorporationRequest replaces a corporation's name and plan. plan_expired_at may be left out
// (or null) for the FREE plan.
type UpdateCorporationRequest struct {
	Name          *string `json:"name" validate:"required" minLength:"1" maxLength:"100" example:"Acme"`
	PlanType      *string `json:"plan_type" validate:"required" enums:"FREE,PAID" example:"FREE"`
	PlanExpiredAt *string `json:"plan_expired_at" extensions:"x-nullable" minLength:"10" maxLength:"64" example:"2030-12-31T00:00:00Z"`
}

// CorporationResponse is a corporation as the API shows it.
type CorporationResponse struct {
	ID            int64      `json:"id" validate:"required" minimum:"1" example:"1"`
	Name          string     `json:"name" validate:"required" minLength:"1" maxLength:"100" example:"Acme"`
	PlanType      string     `json:"plan_type" validate:"required" enums:"FREE,PAID" example:"PAID"`
	PlanExpiredAt *time.Time `json:"plan_expired_at" validate:"required" format:"date-time" extensions:"x-nullable" example:"2030-12-31T00:00:00Z"`
	EffectivePlan string     `json:"effective_plan" validate:"required" enums:"FREE,PAID" example:"PAID"`
	CreatedAt     time.Time  `json:"created_at" validate:"required" format:"date-time" example:"2026-01-01T00:00:00Z"`
	UpdatedAt     time.Time  `json:"updated_at" validate:"required" format:"date-time" example:"2026-01-01T00:00:00Z"`
}

func toResponse(c domain.Corporation, now time.Time) CorporationResponse {
	r := CorporationResponse{
		ID:            c.ID,
		Name:          c.Name,
		PlanType:      string(c.PlanType),
		EffectivePlan: string(c.EffectivePlan(now)),
		CreatedAt:     c.CreatedAt.UTC(),
		UpdatedAt:     c.UpdatedAt.UTC(),
	}
	if c.PlanExpiredAt != nil {
		t := c.PlanExpiredAt.UTC()
		r.PlanExpiredAt = &t
	}
	return r
}

func toResponses(cs []domain.Corporation, now time.Time) []CorporationResponse {
	out := make([]CorporationResponse, 0, len(cs))
	for _, c := range cs {
		out = append(out, toResponse(c, now))
	}
	return out
}

// required collects the names of required fields a request left out.
type required map[string]string

func (r required) need(name string, v *string) string {
	if v == nil {
		r[name] = "is required"
		return ""
	}
	return *v
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
