// Package ports declares what the analytics module needs: its repository, and from other
// modules (bound in app/wiring) the stored files of videos and who owns a video.
package ports

import (
	"context"
	"io"
	"time"

	"vms/modules/analytics/domain"
	"vms/platform/principal"
)

// Media reads the files a video's bytes were served from. The video and media modules
// implement it.
type Media interface {
	// Original opens the stored upload of a video for reading with seeks; an error of
	// kind not_found when it has none (a source URL).
	Original(ctx context.Context, videoID int64) (io.ReadSeekCloser, error)
	// Playlist reads the media playlist of one HLS rendition of a video ("720p"); an
	// error of kind not_found when there is none.
	Playlist(ctx context.Context, videoID int64, rendition string) (string, error)
}

// Videos tells who owns a video. The video module implements it.
type Videos interface {
	// Owner returns the corporation of a live video the caller may read; an error of
	// kind not_found when there is no such video.
	Owner(ctx context.Context, caller principal.Principal, videoID int64) (corporationID int64, err error)
}

// Repository keeps the watches.
type Repository interface {
	// Merge adds the watches to the stored ones, each merged with the record of the same
	// user and video (domain.Watch.Merge), inside the unit of work in ctx. A watch whose
	// user or video no longer exists is left out.
	Merge(ctx context.Context, watches []domain.Watch) error
	// Each calls fn with every stored watch of a video.
	Each(ctx context.Context, videoID int64, fn func(domain.Watch) error) error
}

// UnitOfWork runs fn in one transaction (joining one already in ctx).
type UnitOfWork interface {
	Do(ctx context.Context, fn func(ctx context.Context) error) error
}

// Clock tells the time.
type Clock interface {
	Now() time.Time
}
