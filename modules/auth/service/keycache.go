package service

import (
	"sync"
	"time"

	"vms/modules/auth/domain"
	"vms/modules/auth/ports"
	"vms/platform/cache"
	"vms/platform/principal"
)

// Key cache bounds: a request trusts a stored key (its scopes, expiry and revocation) for
// at most KeyCacheTTL, and at most KeyCacheSize keys are remembered.
const (
	KeyCacheTTL  = 10 * time.Second
	KeyCacheSize = 10_000
)

// KeyCache remembers, briefly, the keys requests authenticated with, by hash, so that a
// busy key does not cost a database read per request. Unknown hashes are not cached: a
// flood of made-up keys must not push real ones out. Keys revoked here, and keys of
// corporations deleted here, are marked for one lifetime; a marked key is refused at once
// even when a request that read it just before the revocation stores it afterwards.
type KeyCache struct {
	// mu makes each store (check the marks, then add) one step.
	mu       sync.Mutex
	byHash   *cache.Cache[string, CachedKey]
	revoked  *cache.Cache[int64, struct{}]
	corpGone *cache.Cache[int64, struct{}]
}

// CachedKey is what authentication needs of a key.
type CachedKey struct {
	ID            int64
	CorporationID int64
	Scopes        principal.Scopes
	ExpiresAt     *time.Time
	Revoked       bool
}

// NewKeyCache builds a cache with the given entry lifetime and size.
func NewKeyCache(clock ports.Clock, ttl time.Duration, size int) *KeyCache {
	return &KeyCache{
		byHash:   cache.New[string, CachedKey](size, ttl, clock),
		revoked:  cache.New[int64, struct{}](size, ttl, clock),
		corpGone: cache.New[int64, struct{}](size, ttl, clock),
	}
}

// Get returns the cached key for the hash, marked revoked when this replica revoked it
// since it was stored.
func (c *KeyCache) Get(hash string) (CachedKey, bool) {
	k, ok := c.byHash.Get(hash)
	if !ok {
		return CachedKey{}, false
	}
	return c.mark(k), true
}

// Put remembers a key read from the store and returns it as Get would.
func (c *KeyCache) Put(hash string, k domain.APIKey) CachedKey {
	ck := CachedKey{ID: k.ID, CorporationID: k.CorporationID, Scopes: scopesOf(k.Scopes), ExpiresAt: k.ExpiresAt, Revoked: k.RevokedAt != nil}
	c.mu.Lock()
	defer c.mu.Unlock()
	ck = c.mark(ck)
	if !ck.Revoked {
		c.byHash.Add(hash, ck)
	}
	return ck
}

// Revoked marks a key revoked for one lifetime. It is called inside the unit of work that
// revokes it, before that commits; should it roll back, the key is refused here for at
// most one lifetime.
func (c *KeyCache) Revoked(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.revoked.Add(id, struct{}{})
}

// CorporationGone marks every key of the corporation revoked for one lifetime.
func (c *KeyCache) CorporationGone(corporationID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.corpGone.Add(corporationID, struct{}{})
}

func (c *KeyCache) mark(k CachedKey) CachedKey {
	if _, ok := c.revoked.Get(k.ID); ok {
		k.Revoked = true
	} else if _, ok := c.corpGone.Get(k.CorporationID); ok {
		k.Revoked = true
	}
	return k
}

// scopesOf turns stored scope names into a set; a name this version does not know grants
// nothing.
func scopesOf(names []string) principal.Scopes {
	var set principal.Scopes
	for _, n := range names {
		if s, ok := principal.ParseScope(n); ok {
			set |= principal.ScopesOf(s)
		}
	}
	return set
}
