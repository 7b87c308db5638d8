package ports

import (
	"context"
	"time"

	"vms/modules/video/domain"
)

// Videos stores videos. Methods that act for a corporation take its id and filter on it,
// and reads take the viewer and filter on what it may see, so another corporation's
// video (a private one, for reads) comes back as domain.ErrNotFound.
type Videos interface {
	// Create inserts a video and returns it with its id and times.
	Create(ctx context.Context, v domain.Video) (domain.Video, error)
	// GetLive returns a video that is not deleted and that the viewer sees (public, or of
	// the viewer's corporation), or domain.ErrNotFound.
	GetLive(ctx context.Context, viewer domain.Viewer, id int64) (domain.Video, error)
	// GetOwned returns a video of the corporation whose deleted flag equals deleted, or
	// domain.ErrNotFound.
	GetOwned(ctx context.Context, corporationID, id int64, deleted bool) (domain.Video, error)
	// List returns up to limit videos the filter selects (only ones its viewer sees),
	// with an id greater than afterID, by id.
	List(ctx context.Context, f domain.ListFilter, afterID int64, limit int) ([]domain.Video, error)
	// Update applies changes to a live video of the corporation.
	Update(ctx context.Context, corporationID, id int64, ch domain.Changes, now time.Time) (domain.Video, error)
	// SoftDelete marks a live video of the corporation deleted.
	SoftDelete(ctx context.Context, corporationID, id int64, now time.Time) error
	// Restore clears the deleted flag of a deleted video of the corporation.
	Restore(ctx context.Context, corporationID, id int64, now time.Time) (domain.Video, error)
	// SoftDeleteByCorporation marks every live video of the corporation deleted and
	// returns how many changed.
	SoftDeleteByCorporation(ctx context.Context, corporationID int64, now time.Time) (int64, error)
	// CorporationOf tells which corporation owns the video, deleted or not; ok is false
	// when there is no such video. It serves other modules' events about a video by id.
	CorporationOf(ctx context.Context, id int64) (corporationID int64, ok bool, err error)
}

// ViewLogs stores the first view of each (user, video).
type ViewLogs interface {
	// Find returns the view log of (userID, videoID); ok is false when there is none.
	Find(ctx context.Context, userID, videoID int64) (log domain.ViewLog, ok bool, err error)
	// Insert writes the view log unless one exists (INSERT … ON CONFLICT DO NOTHING).
	// inserted tells whether this call wrote it; when it did not, log is the existing row.
	Insert(ctx context.Context, userID, videoID int64, now time.Time) (log domain.ViewLog, inserted bool, err error)
}

// UnitOfWork runs fn in one transaction (joining one already in ctx).
type UnitOfWork interface {
	Do(ctx context.Context, fn func(ctx context.Context) error) error
}

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// Media reads and requests the media facts of videos (the media module).
type Media interface {
	// Of returns the media of each video (ready and empty when it has none).
	Of(ctx context.Context, videoIDs []int64) (map[int64]domain.Media, error)
	// Poster opens a video's poster; an error of kind not_found until there is one.
	Poster(ctx context.Context, videoID int64) (domain.Poster, error)
	// Reprocess runs the processing of a stored original again; an error of kind
	// conflict when processing is off.
	Reprocess(ctx context.Context, videoID int64, storageKey string) error
	// HLSFile returns the storage key of a file of the video's HLS renditions, by its
	// path under the HLS root ("master.m3u8", "720p/index.m3u8", "720p/seg_00001.m4s", …);
	// an error of kind not_found for any other path.
	HLSFile(ctx context.Context, videoID int64, path string) (key string, err error)
}
