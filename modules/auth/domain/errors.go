// Package domain holds the auth module's entities, rules and errors.
package domain

import (
	"errors"
	"time"
)

// Error is a domain error with the kind the HTTP layer maps to a status.
type Error struct {
	kind string
	msg  string
}

func (e *Error) Error() string     { return e.msg }
func (e *Error) ErrorKind() string { return e.kind }

// Sentinel errors of the auth module.
var (
	// ErrInvalidCredentials is the one answer to a failed login, whatever the reason.
	ErrInvalidCredentials = &Error{kind: "unauthorized", msg: "invalid e-mail or password"}
	// ErrInvalidRefreshToken answers an unknown, expired, revoked or reused refresh token.
	ErrInvalidRefreshToken = &Error{kind: "unauthorized", msg: "refresh token is not valid"}
	// ErrUnauthenticated answers a request without valid credentials.
	ErrUnauthenticated = &Error{kind: "unauthorized", msg: "missing or invalid access token"}
	// ErrForbidden answers a caller whose role does not allow the action.
	ErrForbidden = &Error{kind: "forbidden", msg: "only an admin of the user's corporation may do this"}
	// ErrUserNotFound answers a user that does not exist or belongs to another corporation.
	ErrUserNotFound = &Error{kind: "not_found", msg: "user not found"}
	// ErrSessionNotFound is returned by repositories for an unknown refresh token.
	ErrSessionNotFound = &Error{kind: "not_found", msg: "session not found"}
)

// ValidationError lists the invalid fields of a request.
type ValidationError struct {
	Fields map[string]string
}

func (e *ValidationError) Error() string                  { return "request has invalid fields" }
func (e *ValidationError) ErrorKind() string              { return "invalid" }
func (e *ValidationError) FieldErrors() map[string]string { return e.Fields }

// RateLimitedError tells a client to wait before trying to log in again.
type RateLimitedError struct {
	Wait time.Duration
}

func (e *RateLimitedError) Error() string {
	return "too many failed login attempts; try again later"
}
func (e *RateLimitedError) ErrorKind() string         { return "rate_limited" }
func (e *RateLimitedError) RetryAfter() time.Duration { return e.Wait }

// IsKind reports whether err carries the given kind.
func IsKind(err error, kind string) bool {
	var k interface{ ErrorKind() string }
	return errors.As(err, &k) && k.ErrorKind() == kind
}
