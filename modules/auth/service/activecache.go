package service

import (
	"sync"
	"time"

	"vms/modules/auth/ports"
	"vms/platform/cache"
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
// immediately. Live answers and "gone" marks are kept apart, each bounded by the size, so
// a flood of live answers never pushes a gone mark out.
type ActiveCache struct {
	// mu makes each change (check the marks, then store) one step; Get needs no lock
	// of its own.
	mu       sync.Mutex
	live     *cache.Cache[int64, ports.Identity]
	gone     *cache.Cache[int64, struct{}]
	corpGone *cache.Cache[int64, struct{}]
	// changed holds password changes made through this process, for one lifetime: a
	// request that read the user just before the change committed cannot bring the old
	// change time back.
	changed *cache.Cache[int64, time.Time]
}

// NewActiveCache builds a cache with the given entry lifetime and size.
func NewActiveCache(clock ports.Clock, ttl time.Duration, size int) *ActiveCache {
	return &ActiveCache{
		live:     cache.New[int64, ports.Identity](size, ttl, clock),
		gone:     cache.New[int64, struct{}](size, ttl, clock),
		corpGone: cache.New[int64, struct{}](size, ttl, clock),
		changed:  cache.New[int64, time.Time](size, ttl, clock),
	}
}

// Get returns the cached answer for the user; found is false when there is none.
func (c *ActiveCache) Get(userID int64) (id ports.Identity, ok, found bool) {
	if _, gone := c.gone.Get(userID); gone {
		return ports.Identity{}, false, true
	}
	if id, hit := c.live.Get(userID); hit {
		return c.Raise(userID, id), true, true
	}
	return ports.Identity{}, false, false
}

// Raise returns id with its password change time moved up to the latest change this
// process made for the user, when that is later.
func (c *ActiveCache) Raise(userID int64, id ports.Identity) ports.Identity {
	if at, ok := c.changed.Get(userID); ok && at.After(id.PasswordChangedAt) {
		id.PasswordChangedAt = at
	}
	return id
}

// PasswordChanged records that the user's password changed at the given time and drops
// the cached answer, so this process refuses the user's older tokens at once. It is called
// inside the unit of work that changes the password, before that commits; should it roll
// back, the user's older tokens are refused for at most one lifetime.
func (c *ActiveCache) PasswordChanged(userID int64, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.changed.Get(userID); !ok || at.After(prev) {
		c.changed.Add(userID, at)
	}
	c.live.Remove(userID)
}

// Put remembers an answer for the user. It never replaces a fresher "gone" mark: a user
// deleted while the answer was being read stays gone.
func (c *ActiveCache) Put(userID int64, id ports.Identity, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, gone := c.gone.Get(userID); gone {
		return
	}
	if ok {
		if _, gone := c.corpGone.Get(id.CorporationID); !gone {
			c.live.Add(userID, id)
			return
		}
	}
	c.markGone(userID)
}

// Forget marks the user as gone for one lifetime. It is called inside the unit of work
// that deletes the user, before that commits: a concurrent request that read the user as
// still live cannot put it back, and after the mark expires the database says it is gone.
// Should the deletion roll back, the user is refused for at most one lifetime.
func (c *ActiveCache) Forget(userID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.markGone(userID)
}

// ForgetCorporation marks every user of the corporation as gone for one lifetime.
func (c *ActiveCache) ForgetCorporation(corporationID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.corpGone.Add(corporationID, struct{}{})
	var users []int64
	c.live.RemoveIf(func(userID int64, id ports.Identity) bool {
		if id.CorporationID != corporationID {
			return false
		}
		users = append(users, userID)
		return true
	})
	for _, u := range users {
		c.gone.Add(u, struct{}{})
	}
}

func (c *ActiveCache) markGone(userID int64) {
	c.gone.Add(userID, struct{}{})
	c.live.Remove(userID)
}
