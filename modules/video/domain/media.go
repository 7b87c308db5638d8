package domain

import (
	"io"
	"time"
)

// MediaStatus is where a video's media processing stands.
type MediaStatus string

// The media statuses.
const (
	MediaProcessing MediaStatus = "processing"
	MediaReady      MediaStatus = "ready"
	MediaFailed     MediaStatus = "failed"
)

// Media is what processing learned about a video: empty fields are unknown.
type Media struct {
	Status          MediaStatus
	Error           string
	DurationSeconds float64
	Width           int
	Height          int
	VideoCodec      string
	AudioCodec      string
	Bitrate         int64
	HasPoster       bool
	// Renditions are the HLS renditions, ascending; none until HLS is ready.
	Renditions []Rendition
}

// Rendition is one HLS rendition of a video.
type Rendition struct {
	Height    int
	Bandwidth int64
}

// Duration is the media's duration, 0 when unknown.
func (m Media) Duration() time.Duration {
	return time.Duration(m.DurationSeconds * float64(time.Second))
}

// Poster is a video's poster image, open for reading.
type Poster struct {
	Body    io.ReadSeekCloser
	ETag    string
	ModTime time.Time
}
