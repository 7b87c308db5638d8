package service

import (
	"time"

	"vms/modules/video/ports"
	"vms/platform/cache"
)

// HLSKeys keeps the storage keys of HLS files looked up by segment and playlist requests,
// so a player's segment fetches do not each read the media module's table. A video
// processed again gets new keys and its old files are deleted: a key that has gone from
// storage is dropped and looked up again at once (see openSegment), and any entry expires
// after the TTL on every replica.
type HLSKeys struct {
	keys *cache.Cache[hlsFileID, string]
}

type hlsFileID struct {
	videoID int64
	path    string
}

// DefaultHLSKeysTTL is how long a looked-up HLS storage key is reused.
const DefaultHLSKeysTTL = time.Minute

// NewHLSKeys builds a cache holding at most limit keys for ttl each; ttl <= 0 disables
// it.
func NewHLSKeys(clock ports.Clock, ttl time.Duration, limit int) *HLSKeys {
	if ttl <= 0 {
		return nil
	}
	return &HLSKeys{keys: cache.New[hlsFileID, string](limit, ttl, clock)}
}

func (c *HLSKeys) get(videoID int64, path string) (string, bool) {
	if c == nil {
		return "", false
	}
	return c.keys.Get(hlsFileID{videoID, path})
}

func (c *HLSKeys) put(videoID int64, path, key string) {
	if c != nil {
		c.keys.Add(hlsFileID{videoID, path}, key)
	}
}

func (c *HLSKeys) drop(videoID int64, path string) {
	if c != nil {
		c.keys.Remove(hlsFileID{videoID, path})
	}
}

// DropVideo forgets every key of a video (it is being processed again).
func (c *HLSKeys) DropVideo(videoID int64) {
	if c != nil {
		c.keys.RemoveIf(func(id hlsFileID, _ string) bool { return id.videoID == videoID })
	}
}
