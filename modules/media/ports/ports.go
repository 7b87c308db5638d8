// Package ports declares what the media module needs from the outside.
package ports

import (
	"context"
	"io"
	"io/fs"

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
	// ReplaceHLSFiles makes files the video's HLS file set and returns the set it
	// replaced (whose stored objects the caller deletes once this commits).
	ReplaceHLSFiles(ctx context.Context, videoID int64, files []domain.HLSFile) (old []domain.HLSFile, err error)
	// HLSFile returns the storage key of the video's HLS file at path (relative to the
	// video's HLS root); ok is false when the video's current set has no such file.
	HLSFile(ctx context.Context, videoID int64, path string) (key string, ok bool, err error)
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
	// Transcode encodes the file into the plan's renditions as HLS with fMP4 segments in
	// one run and hands the output to use, as a file system holding the tool's master
	// playlist (master.m3u8) and, per rendition, <name>/index.m3u8, whose EXT-X-MAP is
	// init.mp4, <name>/init.mp4 and the segments <name>/seg_00001.m4s, … the playlist
	// lists. The output is removed when use returns; use's error is returned as it is. A
	// file the tool cannot transcode is a *domain.UnreadableError.
	Transcode(ctx context.Context, in Input, plan domain.TranscodePlan, use func(out fs.FS) error) error
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

// Usage learns what a video's derived files take in storage, so they count against its
// corporation's quota (the usage module). DerivedChanged runs in the unit of work that
// records the files; bytes replace what earlier processing reported.
type Usage interface {
	DerivedChanged(ctx context.Context, videoID, bytes int64) error
}
