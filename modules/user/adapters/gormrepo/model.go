// Package gormrepo stores users with GORM on PostgreSQL or SQLite.
package gormrepo

import (
	"time"

	"vms/modules/user/domain"
)

// userModel is a row of the users table.
type userModel struct {
	ID                int64 `gorm:"primaryKey"`
	Email             string
	PasswordHash      string
	Role              string
	CorporationID     int64
	Point             int64
	PasswordChangedAt *time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
	DeletedAt         *time.Time
}

func (userModel) TableName() string { return "users" }

func toDomain(m userModel) domain.User {
	var changed time.Time
	if m.PasswordChangedAt != nil {
		changed = m.PasswordChangedAt.UTC()
	}
	return domain.User{
		PasswordChangedAt: changed,
		ID:                m.ID,
		Email:             m.Email,
		PasswordHash:      m.PasswordHash,
		Role:              domain.Role(m.Role),
		CorporationID:     m.CorporationID,
		Point:             m.Point,
		CreatedAt:         m.CreatedAt.UTC(),
		UpdatedAt:         m.UpdatedAt.UTC(),
	}
}

func toModel(u domain.NewUser, now time.Time) userModel {
	return userModel{Email: u.Email, PasswordHash: u.PasswordHash, Role: string(u.Role), CorporationID: u.CorporationID, CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
}
