// Package httpapi is the HTTP face of the auth module: login, refresh, logout, the session
// list and the request authenticator.
package httpapi

import (
	"time"

	"vms/modules/auth/domain"
)

// loginRequest is the body of POST /v1/auth/login.
type loginRequest struct {
	Email    string `json:"email" validate:"required" format:"email" minLength:"3" maxLength:"254" example:"admin@acme.example"`
	Password string `json:"password" validate:"required" minLength:"1" maxLength:"72" example:"correct horse battery staple"`
	// true: the refresh token is set as the HttpOnly cookie vms_refresh (Path=/v1/auth, SameSite=Strict) instead of being returned; needs the X-Requested-With header
	Cookie bool `json:"cookie" example:"true"`
}

// refreshRequest is the body of POST /v1/auth/refresh and POST /v1/auth/logout.
type refreshRequest struct {
	// the refresh token; leave it out (send {}) to use the vms_refresh cookie instead
	RefreshToken string `json:"refresh_token" minLength:"1" maxLength:"512" example:"q3V0yG4m1b6H0Y9uQx7wG3pN2dF5sK8aT1cJ4eR6vZ0"`
}

// TokenResponse is a new token pair.
type TokenResponse struct {
	AccessToken string `json:"access_token" validate:"required" example:"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…"`
	// absent when the refresh token went into the vms_refresh cookie
	RefreshToken string `json:"refresh_token,omitempty" example:"q3V0yG4m1b6H0Y9uQx7wG3pN2dF5sK8aT1cJ4eR6vZ0"`
	TokenType    string `json:"token_type" validate:"required" enums:"bearer" example:"bearer"`
	ExpiresIn    int64  `json:"expires_in" validate:"required" minimum:"1" example:"900"`
}

// SessionResponse describes one refresh-token session; the token itself is never shown.
type SessionResponse struct {
	ID         int64      `json:"id" validate:"required" minimum:"1" example:"7"`
	CreatedAt  time.Time  `json:"created_at" validate:"required" format:"date-time" example:"2026-03-01T12:00:00Z"`
	ExpiresAt  time.Time  `json:"expires_at" validate:"required" format:"date-time" example:"2026-03-15T12:00:00Z"`
	LastUsedAt *time.Time `json:"last_used_at" validate:"required" format:"date-time" extensions:"x-nullable" example:"2026-03-01T12:10:00Z"`
	RevokedAt  *time.Time `json:"revoked_at" validate:"required" format:"date-time" extensions:"x-nullable" example:"2026-03-01T12:10:00Z"`
}

func toResponse(p domain.TokenPair) TokenResponse {
	return TokenResponse{
		AccessToken:  p.AccessToken,
		RefreshToken: p.RefreshToken,
		TokenType:    "bearer",
		ExpiresIn:    int64(p.ExpiresIn / time.Second),
	}
}

func toSessionResponse(s domain.Session) SessionResponse {
	return SessionResponse{
		ID:         s.ID,
		CreatedAt:  s.CreatedAt.UTC(),
		ExpiresAt:  s.ExpiresAt.UTC(),
		LastUsedAt: utc(s.LastUsedAt),
		RevokedAt:  utc(s.RevokedAt),
	}
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.UTC()
	return &v
}
