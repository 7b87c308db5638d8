// Package gormrepo stores the auth module's refresh-token sessions and API keys with GORM.
package gormrepo

import (
	"time"

	"vms/modules/auth/domain"
)

// sessionModel is a row of refresh_tokens.
type sessionModel struct {
	ID         int64 `gorm:"primaryKey"`
	UserID     int64
	TokenHash  string
	FamilyID   string
	ExpiresAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// TableName names the table.
func (sessionModel) TableName() string { return "refresh_tokens" }

// dbTime is the form times are written in: UTC, at the precision both databases keep.
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func dbTimePtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := dbTime(*t)
	return &v
}

func toModel(s domain.Session) sessionModel {
	return sessionModel{
		ID:         s.ID,
		UserID:     s.UserID,
		TokenHash:  s.TokenHash,
		FamilyID:   s.FamilyID,
		ExpiresAt:  dbTime(s.ExpiresAt),
		LastUsedAt: dbTimePtr(s.LastUsedAt),
		RevokedAt:  dbTimePtr(s.RevokedAt),
		CreatedAt:  dbTime(s.CreatedAt),
		UpdatedAt:  dbTime(s.CreatedAt),
	}
}

func toDomain(m sessionModel) domain.Session {
	return domain.Session{
		ID:         m.ID,
		UserID:     m.UserID,
		TokenHash:  m.TokenHash,
		FamilyID:   m.FamilyID,
		CreatedAt:  m.CreatedAt.UTC(),
		ExpiresAt:  m.ExpiresAt.UTC(),
		LastUsedAt: utcPtr(m.LastUsedAt),
		RevokedAt:  utcPtr(m.RevokedAt),
	}
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.UTC()
	return &v
}
