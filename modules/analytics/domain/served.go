package domain

// ServedKind says what kind of file a response served.
type ServedKind int

// The kinds analytics counts; other responses (playlists, init sections, proxied sources)
// carry no media time.
const (
	ServedOriginal ServedKind = iota + 1
	ServedSegment
)

// Served is one stream or HLS response as written: the file's bytes that went out.
type Served struct {
	Kind    ServedKind
	UserID  int64
	VideoID int64
	// Path is the HLS segment ("720p/seg_00003.m4s"); empty for an original.
	Path string
	// Size is the size of the file the spans are in.
	Size  int64
	Spans []Span
}
