package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"vms/modules/analytics/domain"
	"vms/platform/cache"
	"vms/platform/kind"
)

// The caches of the maps from bytes to media time. An original never changes under its
// video id, so its index only leaves to make room (or after a day unused, by then a miss
// costs little); a rendition's playlist changes when the video is processed again, so
// its timeline lives 5 minutes.
const (
	indexCacheSize    = 512
	indexCacheTTL     = 24 * time.Hour
	timelineCacheSize = 2048
	timelineCacheTTL  = 5 * time.Minute
)

// mapping is a map from bytes to media time, or why there is none.
type mapping[T any] struct {
	value T
	err   error // domain.ErrUnsupported (wrapped): cached like a map
}

type timelineKey struct {
	video     int64
	rendition string
}

// maps finds and caches the index of originals and the timeline of renditions. They are
// built on first need by the flush, never on a request.
type maps struct {
	d         Deps
	indexes   *cache.Cache[int64, mapping[*domain.Index]]
	timelines *cache.Cache[timelineKey, mapping[domain.Timeline]]
}

func newMaps(d Deps) *maps {
	return &maps{
		d:         d,
		indexes:   cache.New[int64, mapping[*domain.Index]](indexCacheSize, indexCacheTTL, d.Clock),
		timelines: cache.New[timelineKey, mapping[domain.Timeline]](timelineCacheSize, timelineCacheTTL, d.Clock),
	}
}

// buildTimeout bounds reading one file's index.
const buildTimeout = time.Minute

// index returns the index of a video's original: an error wrapping domain.ErrUnsupported
// when its bytes cannot be mapped (cached), any other error when reading failed (not
// cached: tried again at the next flush).
func (m *maps) index(ctx context.Context, videoID int64) (*domain.Index, error) {
	if v, ok := m.indexes.Get(videoID); ok {
		return v.value, v.err
	}
	x, err := m.buildIndex(ctx, videoID)
	if err != nil && !errors.Is(err, domain.ErrUnsupported) {
		return nil, err
	}
	m.indexes.Add(videoID, mapping[*domain.Index]{value: x, err: err})
	return x, err
}

func (m *maps) buildIndex(ctx context.Context, videoID int64) (*domain.Index, error) {
	ctx, cancel := context.WithTimeout(ctx, buildTimeout)
	defer cancel()
	f, err := m.d.Media.Original(ctx, videoID)
	if kind.Of(err) == kind.NotFound {
		return nil, fmt.Errorf("video %d has no stored original: %w", videoID, domain.ErrUnsupported)
	}
	if err != nil {
		return nil, fmt.Errorf("open the original of video %d: %w", videoID, err)
	}
	defer f.Close()
	start := time.Now()
	x, err := m.d.Index(f)
	if err != nil {
		return nil, fmt.Errorf("index video %d: %w", videoID, err)
	}
	m.d.Log.Debug("analytics index built", "video_id", videoID, "seconds", x.Seconds(), "took", time.Since(start))
	return &x, nil
}

// timeline returns the timeline of one HLS rendition of a video, with the same errors as
// index.
func (m *maps) timeline(ctx context.Context, videoID int64, rendition string) (domain.Timeline, error) {
	k := timelineKey{videoID, rendition}
	if v, ok := m.timelines.Get(k); ok {
		return v.value, v.err
	}
	t, err := m.buildTimeline(ctx, videoID, rendition)
	if err != nil && !errors.Is(err, domain.ErrUnsupported) {
		return domain.Timeline{}, err
	}
	m.timelines.Add(k, mapping[domain.Timeline]{value: t, err: err})
	return t, err
}

func (m *maps) buildTimeline(ctx context.Context, videoID int64, rendition string) (domain.Timeline, error) {
	ctx, cancel := context.WithTimeout(ctx, buildTimeout)
	defer cancel()
	text, err := m.d.Media.Playlist(ctx, videoID, rendition)
	if kind.Of(err) == kind.NotFound {
		return domain.Timeline{}, fmt.Errorf("video %d has no rendition %q: %w", videoID, rendition, domain.ErrUnsupported)
	}
	if err != nil {
		return domain.Timeline{}, fmt.Errorf("read the playlist of video %d, %s: %w", videoID, rendition, err)
	}
	t, err := domain.ParseTimeline(text)
	if err != nil {
		return domain.Timeline{}, fmt.Errorf("playlist of video %d, %s: %v: %w", videoID, rendition, err, domain.ErrUnsupported)
	}
	return t, nil
}
