// Package argon2id hashes passwords with Argon2id and stores them as PHC strings.
package argon2id

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strings"

	"golang.org/x/crypto/argon2"

	"vms/modules/user/ports"
)

// Params are Argon2id cost parameters.
type Params struct {
	MemoryKiB uint32
	Time      uint32
	Threads   uint8
	SaltLen   int
	KeyLen    uint32
}

// OWASP is the OWASP-recommended minimum: 19 MiB, two passes, one thread.
var OWASP = Params{MemoryKiB: 19456, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Limits on parameters read from stored hashes, so a corrupt or hostile row cannot make
// one verification exhaust memory or time.
const (
	maxMemoryKiB = 1 << 20
	maxTime      = 16
	maxThreads   = 16
	maxKeyLen    = 128
)

// ErrMalformed means a stored hash is not an Argon2id PHC string this package can read.
var ErrMalformed = errors.New("malformed argon2id hash")

// Hasher hashes and verifies passwords. A semaphore bounds concurrent hashes to the
// number of CPUs, so a burst of logins queues instead of starving other requests of
// CPU and memory (each hash holds MemoryKiB of memory).
type Hasher struct {
	p   Params
	sem chan struct{}
}

var _ ports.PasswordHasher = (*Hasher)(nil)

// New builds a hasher with the given parameters and at most concurrency hashes at a
// time (half the usable CPUs, at least one, when concurrency < 1: a login storm then
// leaves the other half to every other route).
func New(p Params, concurrency int) *Hasher {
	if concurrency < 1 {
		concurrency = max(1, runtime.GOMAXPROCS(0)/2)
	}
	return &Hasher{p: p, sem: make(chan struct{}, concurrency)}
}

// NewDefault is the production hasher: OWASP parameters, hashes on half the CPUs.
func NewDefault() *Hasher { return New(OWASP, 0) }

func (h *Hasher) acquire(ctx context.Context) error {
	select {
	case h.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (h *Hasher) release() { <-h.sem }

// Hash returns the PHC string of password with a fresh random salt:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<key> (unpadded standard base64).
func (h *Hasher) Hash(ctx context.Context, password string) (string, error) {
	salt := make([]byte, h.p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("salt: %w", err)
	}
	if err := h.acquire(ctx); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, h.p.Time, h.p.MemoryKiB, h.p.Threads, h.p.KeyLen)
	h.release()
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, h.p.MemoryKiB, h.p.Time, h.p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether password matches encoded, using the parameters stored in it and
// a constant-time comparison.
func (h *Hasher) Verify(ctx context.Context, password, encoded string) (bool, error) {
	p, salt, key, err := decode(encoded)
	if err != nil {
		return false, err
	}
	if err := h.acquire(ctx); err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.MemoryKiB, p.Threads, uint32(len(key))) //nolint:gosec // G115: len(key) comes from a decoded hash and is at most a few dozen bytes
	h.release()
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

func decode(encoded string) (Params, []byte, []byte, error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return Params{}, nil, nil, ErrMalformed
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return Params{}, nil, nil, ErrMalformed
	}
	var p Params
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.MemoryKiB, &p.Time, &p.Threads); err != nil || n != 3 {
		return Params{}, nil, nil, ErrMalformed
	}
	if p.MemoryKiB == 0 || p.MemoryKiB > maxMemoryKiB || p.Time == 0 || p.Time > maxTime || p.Threads == 0 || p.Threads > maxThreads {
		return Params{}, nil, nil, ErrMalformed
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return Params{}, nil, nil, ErrMalformed
	}
	key, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > maxKeyLen {
		return Params{}, nil, nil, ErrMalformed
	}
	return p, salt, key, nil
}
