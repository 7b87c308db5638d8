package domain

import (
	"net/mail"
	"strings"

	"vms/platform/kind"
)

// Limits on login input. Longer values are refused before any hashing work is done.
const (
	MaxEmailLength    = 254
	MaxPasswordLength = 1024
)

// NormalizeEmail is the form e-mails are stored and rate limited under.
func NormalizeEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// ValidateLogin checks the shape of login input and returns the normalised e-mail.
// It does not enforce the password policy: a login must not tell which rule a stored
// password follows.
func ValidateLogin(email, password string) (string, error) {
	fields := map[string]string{}
	norm := NormalizeEmail(email)
	switch {
	case norm == "":
		fields["email"] = "is required"
	case len(norm) > MaxEmailLength || !validEmail(norm):
		fields["email"] = "must be a valid e-mail address"
	}
	switch {
	case password == "":
		fields["password"] = "is required"
	case len(password) > MaxPasswordLength:
		fields["password"] = "is too long"
	}
	if len(fields) > 0 {
		return "", kind.InvalidFields(fields)
	}
	return norm, nil
}

func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s, "@")
}
