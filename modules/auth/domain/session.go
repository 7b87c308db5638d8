package domain

import "time"

// Session is one refresh token as stored: only its hash is kept. A family is the chain of
// tokens that rotation produced from one login; reuse of any spent member revokes it all.
type Session struct {
	ID         int64
	UserID     int64
	TokenHash  string
	FamilyID   string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Usable reports whether the token may still be exchanged at now.
func (s Session) Usable(now time.Time) bool {
	return s.RevokedAt == nil && now.Before(s.ExpiresAt)
}

// TokenPair is what a login or a refresh returns.
type TokenPair struct {
	AccessToken  string
	RefreshToken string
	ExpiresIn    time.Duration
}
