package service

import (
	"sync"
	"time"

	"vms/modules/auth/ports"
)

// Active cache bounds: an authenticated request trusts a "user is live" answer for at most
// ActiveCacheTTL, and at most ActiveCacheSize users are remembered.
const (
	ActiveCacheTTL  = 2 * time.Second
	ActiveCacheSize = 10_000
)

// ActiveCache remembers, briefly, whether users are live, so that every authenticated
// request does not cost a database read. Deleted users and corporations are marked gone
// at once (Forget, ForgetCorporation), so their tokens stop working in this process
// immediately.
type ActiveCache struct {
	mu       sync.Mutex
	clock    ports.Clock
	ttl      time.Duration
	max      int
	entries  map[int64]activeEntry
	corpGone map[int64]time.Time
}

type activeEntry struct {
	id      ports.Identity
	ok      bool
	expires time.Time
}

// NewActiveCache builds a cache with the given entry lifetime and size.
func NewActiveCache(clock ports.Clock, ttl time.Duration, size int) *ActiveCache {
	return &ActiveCache{clock: clock, ttl: ttl, max: size, entries: map[int64]activeEntry{}, corpGone: map[int64]time.Time{}}
}

// Get returns the cached answer for the user; found is false when there is none.
func (c *ActiveCache) Get(userID int64) (id ports.Identity, ok, found bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, hit := c.entries[userID]
	if !hit {
		return ports.Identity{}, false, false
	}
	if !c.clock.Now().Before(e.expires) {
		delete(c.entries, userID)
		return ports.Identity{}, false, false
	}
	return e.id, e.ok, true
}

// Put remembers an answer for the user. It never replaces a fresher "gone" mark: a user
// deleted while the answer was being read stays gone.
func (c *ActiveCache) Put(userID int64, id ports.Identity, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.clock.Now()
	if e, hit := c.entries[userID]; hit && !e.ok && now.Before(e.expires) {
		return
	}
	if ok {
		if until, gone := c.corpGone[id.CorporationID]; gone {
			if now.Before(until) {
				ok = false
			} else {
				delete(c.corpGone, id.CorporationID)
			}
		}
	}
	c.set(now, userID, activeEntry{id: id, ok: ok, expires: now.Add(c.ttl)})
}

// Forget marks the user as gone for one lifetime. It is called inside the unit of work
// that deletes the user, before that commits: a concurrent request that read the user as
// still live cannot put it back, and after the mark expires the database says it is gone.
// Should the deletion roll back, the user is refused for at most one lifetime.
func (c *ActiveCache) Forget(userID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.clock.Now()
	c.set(now, userID, activeEntry{ok: false, expires: now.Add(c.ttl)})
}

// ForgetCorporation marks every user of the corporation as gone for one lifetime.
func (c *ActiveCache) ForgetCorporation(corporationID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.clock.Now()
	for k, e := range c.entries {
		if e.ok && e.id.CorporationID == corporationID {
			c.entries[k] = activeEntry{ok: false, expires: now.Add(c.ttl)}
		}
	}
	if len(c.corpGone) >= c.max {
		for k, until := range c.corpGone {
			if !now.Before(until) {
				delete(c.corpGone, k)
			}
		}
	}
	if len(c.corpGone) < c.max {
		c.corpGone[corporationID] = now.Add(c.ttl)
	}
}

// set stores an entry, making room first when the cache is full: expired entries go,
// then live answers (they are only an optimisation), and "gone" marks last.
func (c *ActiveCache) set(now time.Time, userID int64, e activeEntry) {
	if _, hit := c.entries[userID]; !hit && len(c.entries) >= c.max {
		for k, old := range c.entries {
			if !now.Before(old.expires) {
				delete(c.entries, k)
			}
		}
		for _, liveOnly := range []bool{true, false} {
			for k, old := range c.entries {
				if len(c.entries) < c.max {
					break
				}
				if old.ok || !liveOnly {
					delete(c.entries, k)
				}
			}
		}
	}
	c.entries[userID] = e
}
