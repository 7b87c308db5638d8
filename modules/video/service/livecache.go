package service

import (
	"sync"
	"time"

	"vms/modules/video/domain"
)

// LiveCache keeps live videos looked up by stream and view requests for a moment, so a
// player's many range requests do not each read the videos table. Changes made through
// this replica (update, delete, restore, a deleted corporation) drop the entries at once;
// another replica's change shows here within the TTL. Misses are not cached, so a new
// video streams at once.
type LiveCache struct {
	mu      sync.RWMutex
	ttl     time.Duration
	limit   int
	now     func() time.Time
	entries map[int64]liveEntry
}

type liveEntry struct {
	video   domain.Video
	expires time.Time
}

// DefaultLiveTTL is how long a looked-up live video is reused.
const DefaultLiveTTL = time.Second

// NewLiveCache builds a cache holding at most limit videos for ttl each; ttl <= 0
// disables it.
func NewLiveCache(ttl time.Duration, limit int) *LiveCache {
	return &LiveCache{ttl: ttl, limit: limit, now: time.Now, entries: make(map[int64]liveEntry)}
}

func (c *LiveCache) get(id int64) (domain.Video, bool) {
	if c == nil || c.ttl <= 0 {
		return domain.Video{}, false
	}
	c.mu.RLock()
	e, ok := c.entries[id]
	c.mu.RUnlock()
	if !ok || c.now().After(e.expires) {
		return domain.Video{}, false
	}
	return e.video, true
}

func (c *LiveCache) put(v domain.Video) {
	if c == nil || c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.limit {
		clear(c.entries)
	}
	c.entries[v.ID] = liveEntry{video: v, expires: c.now().Add(c.ttl)}
}

// Drop forgets one video.
func (c *LiveCache) Drop(id int64) {
	if c == nil {
		return
	}
	c.mu.Lock()
	delete(c.entries, id)
	c.mu.Unlock()
}

// DropCorporation forgets every video of a corporation.
func (c *LiveCache) DropCorporation(corporationID int64) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for id, e := range c.entries {
		if e.video.CorporationID == corporationID {
			delete(c.entries, id)
		}
	}
}
