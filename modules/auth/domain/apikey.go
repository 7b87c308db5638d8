package domain

import (
	"time"

	"vms/platform/kind"
)

// API key format: KeyPrefix, then KeyBodyLength characters of lower-case base32 (a–z,
// 2–7) that encode KeyRandomBytes random bytes. The first DisplayPrefixLength characters
// of the key are kept for display; the rest stays secret.
const (
	KeyPrefix           = "vms_"
	KeyRandomBytes      = 40 // 320 bits; the 40 bits in the display prefix leave 280 secret
	KeyBodyLength       = 64
	DisplayPrefixLength = len(KeyPrefix) + 8
	MaxKeyNameLength    = 100
)

// APIKey is a corporation's key for automation, as stored: only a hash of the key is kept,
// with its first characters for display. Scopes holds scope names in canonical order.
type APIKey struct {
	ID            int64
	CorporationID int64
	Name          string
	Prefix        string
	Hash          string
	Scopes        []string
	CreatedAt     time.Time
	// ExpiresAt is nil for a key that never expires.
	ExpiresAt  *time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// WellFormedKey reports whether s has the form of an API key, so that anything else is
// refused without a database lookup.
func WellFormedKey(s string) bool {
	if len(s) != len(KeyPrefix)+KeyBodyLength || s[:len(KeyPrefix)] != KeyPrefix {
		return false
	}
	for i := len(KeyPrefix); i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '2' || c > '7') {
			return false
		}
	}
	return true
}

// Errors of API keys.
var (
	// ErrKeyNotValid answers a Bearer key that is malformed or unknown.
	ErrKeyNotValid = kind.New(kind.Unauthorized, "API key is not valid")
	// ErrKeyRevoked answers a key that was revoked, or whose corporation was deleted.
	ErrKeyRevoked = kind.New(kind.Unauthorized, "API key was revoked")
	// ErrKeyExpired answers a key past its expires_at.
	ErrKeyExpired = kind.New(kind.Unauthorized, "API key has expired")
	// ErrKeyNotFound answers a key that does not exist or belongs to another corporation.
	ErrKeyNotFound = kind.New(kind.NotFound, "API key not found")
	// ErrKeysAdminOnly answers a guest, or an API key, that tries to manage API keys.
	ErrKeysAdminOnly = kind.New(kind.Forbidden, "only an admin user may manage API keys")
)
