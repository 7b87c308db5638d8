// Package domain holds the media facts of a video and the rules of processing it.
package domain

import (
	"time"

	"vms/platform/kind"
)

// Status is where a video's media processing stands.
type Status string

// The statuses. A video without media facts (a source URL, or a server without the media
// tools) is ready with empty fields.
const (
	Processing Status = "processing"
	Ready      Status = "ready"
	Failed     Status = "failed"
)

// Media is what processing learned about a video's original and the files it derived.
type Media struct {
	VideoID         int64
	Status          Status
	Error           string // why processing failed, for people
	OriginalKey     string // the storage key of the original
	DurationSeconds float64
	Width           int
	Height          int
	VideoCodec      string
	AudioCodec      string
	Bitrate         int64 // bits per second
	PosterKey       string
	// Renditions are the variant streams of the video's HLS, ascending by height; empty
	// until the video has HLS.
	Renditions []Rendition
	UpdatedAt  time.Time
}

// HasHLS reports whether the video has HLS renditions to stream.
func (m Media) HasHLS() bool { return len(m.Renditions) > 0 }

// Duration is the media's duration, 0 when unknown.
func (m Media) Duration() time.Duration {
	return time.Duration(m.DurationSeconds * float64(time.Second))
}

// Unprocessed is the media of a video that has no media facts.
func Unprocessed(videoID int64) Media { return Media{VideoID: videoID, Status: Ready} }

// Probe is what ffprobe reports of a file.
type Probe struct {
	DurationSeconds float64
	Width           int
	Height          int
	VideoCodec      string
	AudioCodec      string
	Bitrate         int64
}

// HasVideo reports whether the file has a picture to take a poster from.
func (p Probe) HasVideo() bool { return p.VideoCodec != "" && p.Width > 0 && p.Height > 0 }

// PosterMaxWidth is the widest poster; narrower videos keep their width.
const PosterMaxWidth = 1280

// PosterOffset is where the poster is taken: 1 s in, or 10 % of the duration when that
// is earlier (a short clip), at the start when the duration is unknown.
func PosterOffset(durationSeconds float64) float64 {
	if durationSeconds <= 0 {
		return 0
	}
	return min(1, durationSeconds/10)
}

// Sentinel errors of the media domain.
var (
	ErrNotFound    = kind.New(kind.NotFound, "no poster for this video yet")
	ErrNoHLSFile   = kind.New(kind.NotFound, "no such HLS file for this video")
	ErrUnavailable = kind.New(kind.Conflict, "media processing is off on this server (MEDIA_PROCESSING, or ffprobe/ffmpeg not found)")
)

// UnreadableError is a file the media tools cannot read: processing ends failed, without
// retrying.
type UnreadableError struct{ Reason string }

func (e *UnreadableError) Error() string { return e.Reason }

// Kind makes it a validation failure of the file, were it ever shown to a client.
func (e *UnreadableError) Kind() kind.Kind { return kind.Invalid }
