package ports

import (
	"context"
	"io"
	"time"

	"vms/modules/video/domain"
)

// StoredObject describes an object written by Storage.Put.
type StoredObject struct {
	Key    string
	Size   int64
	SHA256 string // hex
}

// PutOptions describe the object Storage.Put writes.
type PutOptions struct {
	// MaxBytes is the largest object accepted; 0 means no limit.
	MaxBytes int64
	// ContentType is the media type the object is served with, when the storage keeps
	// one (S3 does, a local folder does not); "" leaves the storage's default.
	ContentType string
}

// PresignOptions describe a presigned URL.
type PresignOptions struct {
	// TTL is how long the URL stays valid.
	TTL time.Duration
	// ContentType, when set, is the Content-Type the URL's answers carry, whatever the
	// object was stored with.
	ContentType string
}

// Storage keeps uploaded video files (local folder or S3-compatible bucket).
type Storage interface {
	// Put streams r into a new object under a generated key while hashing it. More than
	// opts.MaxBytes bytes fail with an error of kind too_large and leave nothing behind;
	// so does any read error or a cancelled ctx.
	Put(ctx context.Context, r io.Reader, opts PutOptions) (StoredObject, error)
	// Open opens an object for reading with seeks (a local *os.File, so a stream can
	// use sendfile; for S3 a reader that issues ranged GETs from the offset it is at).
	Open(ctx context.Context, key string) (io.ReadSeekCloser, error)
	// Delete removes an object; a missing object is not an error.
	Delete(ctx context.Context, key string) error
	// PresignGet returns a URL that serves the object for opts.TTL with
	// opts.ContentType; ok is false when the storage cannot presign (local files).
	PresignGet(ctx context.Context, key string, opts PresignOptions) (url string, ok bool, err error)
	// Ready reports whether the storage is reachable and writable.
	Ready(ctx context.Context) error
}

// Sources fetches registered http(s) source URLs behind the SSRF guard.
type Sources interface {
	// Validate checks a source URL when it is registered: http or https, a host, no
	// userinfo, and (unless private sources are allowed) no literal internal address.
	Validate(rawURL string) error
	// Fetch issues a GET (or, with req.Head, a HEAD) to the URL with req's range and
	// validators passed on. The address is checked at dial time after DNS resolution;
	// redirects are not followed, so any status comes back as the response. Errors are
	// of kind bad_gateway. The caller closes the response body.
	Fetch(ctx context.Context, rawURL string, req domain.SourceRequest) (domain.SourceResponse, error)
}

// Adopter is implemented by a storage that can take over a finished local file without
// copying it: the local folder renames it into place when both are on one filesystem.
// A storage without it (S3) gets the file's bytes through Put.
type Adopter interface {
	// Adopt moves the file at path under a newly generated key and reports its size and
	// sha256. When the move is impossible (another filesystem) it copies and then removes
	// the file. On failure the file stays where it was.
	Adopt(ctx context.Context, path string, opts PutOptions) (StoredObject, error)
}

// Deliveries learns what each stream and HLS response actually wrote: usage metering
// counts the bytes, watch analytics maps the ranges to media time. Delivered runs on the
// request's goroutine after the body, so it must only accumulate in memory.
type Deliveries interface {
	Delivered(ctx context.Context, d domain.Delivery)
}
