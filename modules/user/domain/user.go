// Package domain holds the user entity and its rules: e-mail addresses, passwords and roles.
package domain

import (
	"net/mail"
	"strings"
	"time"
)

// Role is what a user may do in their corporation.
type Role string

// The roles.
const (
	RoleAdmin Role = "admin"
	RoleGuest Role = "guest"
)

// Limits of e-mail addresses and passwords.
const (
	MaxEmailLength    = 254
	MinPasswordLength = 8
	// MaxPasswordLength keeps hashing cost bounded and matches bcrypt's limit, so the
	// rule does not change if the hash algorithm does.
	MaxPasswordLength = 72
)

// User is a member of a corporation.
type User struct {
	ID            int64
	Email         string
	PasswordHash  string
	Role          Role
	CorporationID int64
	Point         int64
	// PasswordChangedAt is when the password last changed; zero means never.
	PasswordChangedAt time.Time
	CreatedAt         time.Time
	UpdatedAt         time.Time
}

// NewUser is a user about to be stored.
type NewUser struct {
	Email         string
	PasswordHash  string
	Role          Role
	CorporationID int64
}

// Change lists the fields an update sets; nil fields stay as they are.
type Change struct {
	PasswordHash *string
	// PasswordChangedAt is set with every new password hash.
	PasswordChangedAt *time.Time
	Role              *Role
}

// PasswordChangeTime is the time recorded for a password change made at now: the next
// whole millisecond, strictly after now. Tokens carry their issue time in milliseconds
// and are refused when issued before the last change, so a token issued at or before
// now (even within the same millisecond) is refused, and one issued at this time or
// later is accepted.
func PasswordChangeTime(now time.Time) time.Time {
	return now.UTC().Truncate(time.Millisecond).Add(time.Millisecond)
}

type simpleError string

func (e simpleError) Error() string { return string(e) }

// NormalizeEmail trims and lower-cases an e-mail address and checks it is a plain
// address (no display name) with one @ and a dot in the domain.
func NormalizeEmail(raw string) (string, error) {
	email := strings.ToLower(strings.TrimSpace(raw))
	if email == "" {
		return "", simpleError("is required")
	}
	if len(email) > MaxEmailLength {
		return "", simpleError("must be at most 254 characters")
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || addr.Name != "" {
		return "", simpleError("must be a valid e-mail address")
	}
	local, host, ok := strings.Cut(email, "@")
	if !ok || local == "" || strings.Contains(host, "@") || !strings.Contains(host, ".") ||
		strings.HasPrefix(host, ".") || strings.HasSuffix(host, ".") || strings.Contains(host, "..") ||
		strings.HasPrefix(host, "[") {
		return "", simpleError("must be a valid e-mail address")
	}
	return email, nil
}

// ValidatePassword checks a password's length in bytes: 8 to 72.
func ValidatePassword(pw string) error {
	switch {
	case len(pw) < MinPasswordLength:
		return simpleError("must be at least 8 characters")
	case len(pw) > MaxPasswordLength:
		return simpleError("must be at most 72 bytes")
	}
	return nil
}

// ParseRole reads a role name.
func ParseRole(raw string) (Role, error) {
	switch Role(strings.ToLower(strings.TrimSpace(raw))) {
	case RoleAdmin:
		return RoleAdmin, nil
	case RoleGuest:
		return RoleGuest, nil
	case "":
		return "", simpleError("is required (admin or guest)")
	default:
		return "", simpleError("must be admin or guest")
	}
}

// Credentials are a validated e-mail and password with a role.
type Credentials struct {
	Email    string
	Password string
	Role     Role
}

// ParseCredentials validates a new user's e-mail, password and role.
func ParseCredentials(email, password, role string) (Credentials, error) {
	f := Fields{}
	e, err := NormalizeEmail(email)
	f.Add("email", err)
	f.Add("password", ValidatePassword(password))
	r, err := ParseRole(role)
	f.Add("role", err)
	if err := f.Err(); err != nil {
		return Credentials{}, err
	}
	return Credentials{Email: e, Password: password, Role: r}, nil
}

// PreparedAdmin is a validated first admin of a new corporation whose password is
// already hashed, ready to be inserted inside the sign-up's unit of work.
type PreparedAdmin struct {
	Email        string
	PasswordHash string
}

// Account is what sign-in and request authentication learn of a live user of a live
// corporation.
type Account struct {
	UserID        int64
	CorporationID int64
	Role          Role
	// PasswordChangedAt is when the password last changed; zero means never. Tokens
	// issued before it no longer count.
	PasswordChangedAt time.Time
}
