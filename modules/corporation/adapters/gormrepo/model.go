// Package gormrepo stores corporations with GORM on PostgreSQL or SQLite.
package gormrepo

import (
	"time"

	"vms/modules/corporation/domain"
)

// corporationModel is a row of the corporations table.
type corporationModel struct {
	ID            int64 `gorm:"primaryKey"`
	Name          string
	PlanType      string
	PlanExpiredAt *time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time
	DeletedAt     *time.Time
}

func (corporationModel) TableName() string { return "corporations" }

func toDomain(m corporationModel) domain.Corporation {
	c := domain.Corporation{
		ID:        m.ID,
		Name:      m.Name,
		PlanType:  domain.Plan(m.PlanType),
		CreatedAt: m.CreatedAt.UTC(),
		UpdatedAt: m.UpdatedAt.UTC(),
	}
	if m.PlanExpiredAt != nil {
		t := m.PlanExpiredAt.UTC()
		c.PlanExpiredAt = &t
	}
	return c
}

func toModel(d domain.Details, now time.Time) corporationModel {
	return corporationModel{Name: d.Name, PlanType: string(d.PlanType), PlanExpiredAt: utcPtr(d.PlanExpiredAt), CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
