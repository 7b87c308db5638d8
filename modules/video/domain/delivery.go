package domain

// DeliveryKind says what a response delivered.
type DeliveryKind int

const (
	// DeliveredOriginal is a stored upload's bytes (GET /v1/videos/stream/{id}).
	DeliveredOriginal DeliveryKind = iota + 1
	// DeliveredSource is a url video's bytes proxied from its source.
	DeliveredSource
	// DeliveredHLSSegment is an HLS media segment.
	DeliveredHLSSegment
	// DeliveredHLSOther is an HLS playlist or init section.
	DeliveredHLSOther
)

// Delivery is what one stream or HLS response actually sent, counted as written: a
// client that hangs up is charged what it got. Ranges are the spans of the file that went
// out (the whole planned ranges when the response ended normally, fewer or shorter ones
// when it did not); Bytes counts every body byte, multipart framing and playlists
// included.
type Delivery struct {
	Kind          DeliveryKind
	CorporationID int64
	// UserID is the viewer; 0 for a caller that is not a user.
	UserID  int64
	VideoID int64
	// Path is the HLS file ("720p/seg_00003.m4s"); empty for the other kinds.
	Path string
	// Size is the size of the file the ranges are in; 0 when unknown (a proxied source).
	Size   int64
	Ranges []ByteRange
	Bytes  int64
}

// Written is what a response writer got out: the body bytes and the spans of the file.
type Written struct {
	Bytes  int64
	Ranges []ByteRange
}

// Add records n bytes of the file sent from offset first.
func (w *Written) Add(first, n int64) {
	if n <= 0 {
		return
	}
	w.Ranges = append(w.Ranges, ByteRange{First: first, Last: first + n - 1})
}
