package service

import (
	"time"

	"vms/modules/video/domain"
	"vms/modules/video/ports"
	"vms/platform/cache"
)

// LiveCache keeps live videos looked up by stream and view requests for a moment, so a
// player's many range requests do not each read the videos table. Changes made through
// this replica (update, delete, restore, a deleted corporation) drop the entries at once;
// another replica's change shows here within the TTL. Misses are not cached, so a new
// video streams at once.
type LiveCache struct {
	videos *cache.Cache[int64, domain.Video]
}

// DefaultLiveTTL is how long a looked-up live video is reused.
const DefaultLiveTTL = time.Second

// NewLiveCache builds a cache holding at most limit videos for ttl each; ttl <= 0
// disables it.
func NewLiveCache(clock ports.Clock, ttl time.Duration, limit int) *LiveCache {
	if ttl <= 0 {
		return nil
	}
	return &LiveCache{videos: cache.New[int64, domain.Video](limit, ttl, clock)}
}

func (c *LiveCache) get(id int64) (domain.Video, bool) {
	if c == nil {
		return domain.Video{}, false
	}
	return c.videos.Get(id)
}

func (c *LiveCache) put(v domain.Video) {
	if c != nil {
		c.videos.Add(v.ID, v)
	}
}

// Drop forgets one video.
func (c *LiveCache) Drop(id int64) {
	if c != nil {
		c.videos.Remove(id)
	}
}

// DropCorporation forgets every video of a corporation.
func (c *LiveCache) DropCorporation(corporationID int64) {
	if c != nil {
		c.videos.RemoveIf(func(_ int64, v domain.Video) bool { return v.CorporationID == corporationID })
	}
}
