package fake

import (
	"context"
	"crypto/subtle"
	"strings"
	"sync"

	"vms/modules/user/ports"
)

// Hasher is a fast, transparent password "hash" that counts its calls.
type Hasher struct {
	mu       sync.Mutex
	Hashes   int
	Verifies int
	HashErr  error // returned by Hash when set
}

var _ ports.PasswordHasher = (*Hasher)(nil)

// Hash returns "fake:" + password.
func (h *Hasher) Hash(_ context.Context, password string) (string, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.HashErr != nil {
		return "", h.HashErr
	}
	h.Hashes++
	return "fake:" + password, nil
}

// Verify compares against a Hash result.
func (h *Hasher) Verify(_ context.Context, password, encoded string) (bool, error) {
	h.mu.Lock()
	h.Verifies++
	h.mu.Unlock()
	want, _ := strings.CutPrefix(encoded, "fake:")
	return subtle.ConstantTimeCompare([]byte(password), []byte(want)) == 1, nil
}

// VerifyCount returns how many verifications ran.
func (h *Hasher) VerifyCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.Verifies
}

// Corporations is a ports.Corporations where every corporation is live unless listed in Dead.
type Corporations struct {
	mu   sync.Mutex
	Dead map[int64]bool
	Err  error
}

var _ ports.Corporations = (*Corporations)(nil)

// IsLive reports whether the corporation is not listed as dead.
func (c *Corporations) IsLive(_ context.Context, corporationID int64) (bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.Err != nil {
		return false, c.Err
	}
	return !c.Dead[corporationID], nil
}

// Kill marks a corporation as not live.
func (c *Corporations) Kill(corporationID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.Dead == nil {
		c.Dead = map[int64]bool{}
	}
	c.Dead[corporationID] = true
}

// FailHashes makes Hash fail with err (nil restores it).
func (h *Hasher) FailHashes(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.HashErr = err
}
