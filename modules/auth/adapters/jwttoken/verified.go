package jwttoken

import (
	"vms/modules/auth/ports"
	"vms/platform/cache"
)

// verifiedLimit bounds the remembered access tokens (about 3 MiB of token strings).
const verifiedLimit = 10_000

// newVerified builds the memory of access tokens that passed verification, keyed by the
// exact token string, so a client's next requests skip the HMAC and JSON decoding. Only
// tokens this server's secret verified are stored, each until its expiry plus Leeway;
// when the memory is full the least recently used token goes, which only costs one
// verification for it.
func newVerified(clock ports.Clock) *cache.Cache[string, ports.AccessClaims] {
	return cache.New[string, ports.AccessClaims](verifiedLimit, 0, clock)
}
