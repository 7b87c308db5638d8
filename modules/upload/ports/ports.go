// Package ports declares what the upload module needs from the outside: its repository,
// the store of upload parts, the video module (bound in app/wiring) and a clock.
package ports

import (
	"context"
	"time"

	"vms/modules/upload/domain"
	"vms/platform/principal"
)

// Uploads keeps the upload rows.
type Uploads interface {
	Create(ctx context.Context, u domain.Upload) error
	// Get returns the upload or domain.ErrNotFound.
	Get(ctx context.Context, id string) (domain.Upload, error)
	// SetVideo records the video a finished upload became.
	SetVideo(ctx context.Context, id string, videoID int64) error
	// Delete removes the row; a missing row is not an error.
	Delete(ctx context.Context, id string) error
	// Expired lists up to limit unfinished uploads whose expiry is at or before now.
	Expired(ctx context.Context, now time.Time, limit int) ([]domain.Upload, error)
}

// Parts is where the bytes of unfinished uploads are kept (tusd's file store).
type Parts interface {
	// Remove deletes an upload's parts; missing parts are not an error.
	Remove(ctx context.Context, id string) error
}

// Videos registers finished files as videos (the video module).
type Videos interface {
	// Register sniffs the file at path (an error of kind unsupported_media_type when it
	// is not a video), moves it into the video storage and, in one unit of work, creates
	// the video row and its processing job and runs also with the new video's id.
	Register(ctx context.Context, caller principal.Principal, name, visibility, path string,
		also func(ctx context.Context, videoID int64) error) (int64, error)
}

// UnitOfWork runs fn in one transaction.
type UnitOfWork interface {
	Do(ctx context.Context, fn func(ctx context.Context) error) error
}

// Clock tells the time.
type Clock interface{ Now() time.Time }
