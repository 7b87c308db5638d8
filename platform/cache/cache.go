// Package cache is the one in-memory cache the modules use: a size-bounded LRU from
// hashicorp/golang-lru whose entries may expire, with time read from a clock so expiry is
// testable without sleeping.
package cache

import (
	"sync"
	"time"

	"github.com/hashicorp/golang-lru/v2/simplelru"
)

// Clock tells the time; clock.System in production, clock.Fake in tests.
type Clock interface {
	Now() time.Time
}

// Cache maps keys to values, holding at most its size: adding to a full cache evicts the
// least recently used entry. An entry is valid while the clock is before its expiry; from
// that instant on it is a miss and is removed. Cache is safe for concurrent use.
type Cache[K comparable, V any] struct {
	mu    sync.Mutex
	lru   *simplelru.LRU[K, *entry[V]]
	ttl   time.Duration
	clock Clock
}

type entry[V any] struct {
	value V
	// expires is in Unix nanoseconds; 0 for an entry that never expires.
	expires int64
}

// New builds a cache of at most size entries (size must be positive) whose entries
// expire ttl after Add; a ttl of zero or less means entries added with Add never expire.
// The clock is read only for entries that expire, so it may be nil when none do.
func New[K comparable, V any](size int, ttl time.Duration, clock Clock) *Cache[K, V] {
	l, err := simplelru.NewLRU[K, *entry[V]](size, nil)
	if err != nil {
		panic("cache: " + err.Error())
	}
	return &Cache[K, V]{lru: l, ttl: ttl, clock: clock}
}

// Get returns the value for k and whether there was a valid entry.
func (c *Cache[K, V]) Get(k K) (V, bool) {
	c.mu.Lock()
	e, ok := c.lru.Get(k)
	if ok && e.expires != 0 && c.clock.Now().UnixNano() >= e.expires {
		c.lru.Remove(k)
		ok = false
	}
	c.mu.Unlock()
	if !ok {
		var zero V
		return zero, false
	}
	// An entry is never changed once stored (Add stores a new one), so reading it
	// after the unlock is safe.
	return e.value, true
}

// Add stores v for k, expiring after the cache's ttl (never when the ttl is zero or less).
func (c *Cache[K, V]) Add(k K, v V) {
	var expires time.Time
	if c.ttl > 0 {
		expires = c.clock.Now().Add(c.ttl)
	}
	c.AddUntil(k, v, expires)
}

// AddUntil stores v for k until the given instant; the zero time means never.
func (c *Cache[K, V]) AddUntil(k K, v V, expires time.Time) {
	var ns int64
	if !expires.IsZero() {
		ns = expires.UnixNano()
	}
	c.mu.Lock()
	c.lru.Add(k, &entry[V]{value: v, expires: ns})
	c.mu.Unlock()
}

// Remove forgets k.
func (c *Cache[K, V]) Remove(k K) {
	c.mu.Lock()
	c.lru.Remove(k)
	c.mu.Unlock()
}

// RemoveIf forgets every entry for which drop reports true and returns how many went.
// It walks the whole cache under the lock, so it is for rare events, and drop must not
// call back into this cache.
func (c *Cache[K, V]) RemoveIf(drop func(K, V) bool) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, k := range c.lru.Keys() {
		if e, ok := c.lru.Peek(k); ok && drop(k, e.value) {
			c.lru.Remove(k)
			n++
		}
	}
	return n
}

// Len returns how many entries are held, counting expired ones not yet removed.
func (c *Cache[K, V]) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}
