package domain

import "vms/platform/kind"

// Sentinel errors of watch analytics.
var (
	ErrNotFound  = kind.New(kind.NotFound, "video not found")
	ErrAdminOnly = kind.New(kind.Forbidden, "only an admin of the video's corporation may read its analytics")
	// ErrUnsupported is a file whose bytes cannot be mapped to media time: not MP4 or
	// QuickTime (WebM, Matroska, MPEG-TS), a fragmented MP4, a source URL.
	ErrUnsupported = kind.New(kind.UnsupportedMedia, "the file's bytes cannot be mapped to media time")
)
