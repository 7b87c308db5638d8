// Package domain holds the auth module's entities, rules and errors.
package domain

import (
	"time"

	"vms/platform/kind"
)

// Sentinel errors of the auth module.
var (
	// ErrInvalidCredentials is the one answer to a failed login, whatever the reason.
	ErrInvalidCredentials = kind.New(kind.Unauthorized, "invalid e-mail or password")
	// ErrInvalidRefreshToken answers an unknown, expired, revoked or reused refresh token.
	ErrInvalidRefreshToken = kind.New(kind.Unauthorized, "refresh token is not valid")
	// ErrUnauthenticated answers a request without valid credentials.
	ErrUnauthenticated = kind.New(kind.Unauthorized, "missing or invalid access token")
	// ErrForbidden answers a caller whose role does not allow the action.
	ErrForbidden = kind.New(kind.Forbidden, "only an admin of the user's corporation may do this")
	// ErrUserNotFound answers a user that does not exist or belongs to another corporation.
	ErrUserNotFound = kind.New(kind.NotFound, "user not found")
	// ErrSessionNotFound is returned by repositories for an unknown refresh token.
	ErrSessionNotFound = kind.New(kind.NotFound, "session not found")
)

// RateLimitedError tells a client to wait before trying to log in again.
type RateLimitedError struct {
	Wait time.Duration
}

func (e *RateLimitedError) Error() string {
	return "too many failed login attempts; try again later"
}

// Kind reports the error as rate limited.
func (e *RateLimitedError) Kind() kind.Kind { return kind.RateLimited }

// RetryAfter returns how long the client should wait.
func (e *RateLimitedError) RetryAfter() time.Duration { return e.Wait }
