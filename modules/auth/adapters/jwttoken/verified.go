package jwttoken

import (
	"sync"

	"vms/modules/auth/ports"
)

// verifiedLimit bounds the remembered access tokens (about 3 MiB of token strings).
const verifiedLimit = 10_000

// verified remembers access tokens that passed verification, keyed by the exact token
// string, so a client's next requests skip the HMAC and JSON decoding. Only tokens this
// server's secret verified are stored, and expiry is checked again on every hit; when the
// set is full it starts over, which only costs one verification per token.
type verified struct {
	mu     sync.RWMutex
	claims map[string]ports.AccessClaims
}

func newVerified() *verified {
	return &verified{claims: make(map[string]ports.AccessClaims)}
}

func (v *verified) get(token string) (ports.AccessClaims, bool) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	c, ok := v.claims[token]
	return c, ok
}

func (v *verified) put(token string, c ports.AccessClaims) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.claims) >= verifiedLimit {
		clear(v.claims)
	}
	v.claims[token] = c
}
