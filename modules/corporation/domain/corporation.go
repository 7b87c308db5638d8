// Package domain holds the corporation (tenant) entity and its rules: names, plans and
// the effective plan.
package domain

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Plan is a corporation's subscription plan.
type Plan string

// The plans.
const (
	PlanFree Plan = "FREE"
	PlanPaid Plan = "PAID"
)

// MaxNameLength is the longest corporation name, in characters.
const MaxNameLength = 100

// Corporation is a tenant.
type Corporation struct {
	ID            int64
	Name          string
	PlanType      Plan
	PlanExpiredAt *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// EffectivePlan is PAID only while the plan type is PAID and the plan has not expired at now.
func (c Corporation) EffectivePlan(now time.Time) Plan {
	if c.PlanType == PlanPaid && c.PlanExpiredAt != nil && c.PlanExpiredAt.After(now) {
		return PlanPaid
	}
	return PlanFree
}

// Details are the fields a client sets on a corporation.
type Details struct {
	Name          string
	PlanType      Plan
	PlanExpiredAt *time.Time
}

// DetailsInput is the raw, unvalidated form of Details.
type DetailsInput struct {
	Name          string
	PlanType      string
	PlanExpiredAt *string
}

// ParseDetails validates and normalises raw corporation details: the name is trimmed
// and 1–100 characters, the plan is FREE or PAID, and PAID needs an expiry time.
func ParseDetails(in DetailsInput) (Details, error) {
	errs := fieldErrors{}
	name, err := NormalizeName(in.Name)
	if err != nil {
		errs.add("name", err.Error())
	}
	plan, err := ParsePlan(in.PlanType)
	if err != nil {
		errs.add("plan_type", err.Error())
	}
	var expiry *time.Time
	if in.PlanExpiredAt != nil && strings.TrimSpace(*in.PlanExpiredAt) != "" {
		t, err := ParseExpiry(*in.PlanExpiredAt)
		if err != nil {
			errs.add("plan_expired_at", err.Error())
		} else {
			expiry = &t
		}
	} else if plan == PlanPaid {
		errs.add("plan_expired_at", "is required for the PAID plan")
	}
	if err := errs.err(); err != nil {
		return Details{}, err
	}
	return Details{Name: name, PlanType: plan, PlanExpiredAt: expiry}, nil
}

type simpleError string

func (e simpleError) Error() string { return string(e) }

// NormalizeName trims a corporation name and checks its length.
func NormalizeName(raw string) (string, error) {
	name := strings.TrimSpace(raw)
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		return "", simpleError("is required")
	case n > MaxNameLength:
		return "", simpleError("must be at most 100 characters")
	case !utf8.ValidString(name):
		return "", simpleError("must be valid UTF-8")
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return "", simpleError("must not contain control characters")
		}
	}
	return name, nil
}

// ParsePlan reads a plan name (FREE or PAID, case-insensitive).
func ParsePlan(raw string) (Plan, error) {
	switch Plan(strings.ToUpper(strings.TrimSpace(raw))) {
	case PlanFree:
		return PlanFree, nil
	case PlanPaid:
		return PlanPaid, nil
	case "":
		return "", simpleError("is required (FREE or PAID)")
	default:
		return "", simpleError("must be FREE or PAID")
	}
}

// ParseExpiry reads an RFC 3339 time or a YYYY-MM-DD date (midnight UTC), in UTC.
func ParseExpiry(raw string) (time.Time, error) {
	s := strings.TrimSpace(raw)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.UTC(), nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, simpleError("must be an RFC 3339 time or a YYYY-MM-DD date")
}
