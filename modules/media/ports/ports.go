// Package ports declares what the media module needs from the outside.
package ports

import (
	"context"
	"io"

	"vms/modules/media/domain"
)

// Repository stores the media facts of videos.
type Repository interface {
	// Get returns the media of a video; ok is false when it has none.
	Get(ctx context.Context, videoID int64) (m domain.Media, ok bool, err error)
	// GetMany returns the media of those videos that have any.
	GetMany(ctx context.Context, videoIDs []int64) (map[int64]domain.Media, error)
	// Begin marks the video processing for the original at originalKey (inserting its
	// row, or resetting an existing row's status and error while keeping what an earlier
	// run found).
	Begin(ctx context.Context, videoID int64, originalKey string, status domain.Status) error
	// Save writes what processing found.
	Save(ctx context.Context, m domain.Media) error
	// Fail marks processing failed with a reason.
	Fail(ctx context.Context, videoID int64, reason string) error
}

// Files reads originals and keeps derived files in the video storage.
type Files interface {
	// Open opens a stored object for reading with seeks; a missing object is an error
	// of kind not_found.
	Open(ctx context.Context, key string) (io.ReadSeekCloser, error)
	// Put stores a derived file under a generated key.
	Put(ctx context.Context, r io.Reader, contentType string) (key string, err error)
	// Delete removes a stored object; a missing one is not an error.
	Delete(ctx context.Context, key string) error
}

// Input is a file handed to the media tools: Open opens a fresh reader each time it is
// called, so a tool may read it more than once or in parts.
type Input struct {
	Open func(ctx context.Context) (io.ReadSeekCloser, error)
}

// Tools runs ffprobe and ffmpeg.
type Tools interface {
	// Probe reads the file's duration, size, codecs and bitrate. A file the tool cannot
	// read is a *domain.UnreadableError.
	Probe(ctx context.Context, in Input) (domain.Probe, error)
	// Poster extracts one frame at offset seconds as a JPEG at most maxWidth pixels
	// wide. A file the tool cannot decode is a *domain.UnreadableError.
	Poster(ctx context.Context, in Input, offset float64, maxWidth int) ([]byte, error)
}

// Queue schedules processing in the background.
type Queue interface {
	// Enqueue inserts the processing job of a video inside the unit of work in ctx.
	Enqueue(ctx context.Context, videoID int64) error
}

// UnitOfWork runs fn in one transaction (joining one already in ctx).
type UnitOfWork interface {
	Do(ctx context.Context, fn func(ctx context.Context) error) error
}
