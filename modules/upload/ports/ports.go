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

// Parts is where the bytes of unfinished uploads are kept: tusd's file store under
// DATA_DIR/uploads, or its S3 store in the video storage's bucket.
type Parts interface {
	// Remove deletes an upload's parts and, unless its upload row says a video keeps it,
	// the finished file; missing parts are not an error.
	Remove(ctx context.Context, id string) error
}

// MultipartState is what the S3 store of parts keeps in an upload's row beside tusd's
// own objects in the bucket.
type MultipartState struct {
	// MultipartID is the S3 multipart upload holding the parts; "" until it exists.
	MultipartID string
	// SHA256State is the running sha256 (a marshalled hash.Hash) of the first
	// SHA256Offset bytes received; nil once it cannot be trusted.
	SHA256Offset int64
	SHA256State  []byte
	// VideoID is the video the finished upload became, 0 while none; read only.
	VideoID int64
}

// MultipartStates keeps the MultipartState of uploads whose parts are in S3.
type MultipartStates interface {
	// MultipartState returns the state or domain.ErrNotFound.
	MultipartState(ctx context.Context, id string) (MultipartState, error)
	// SetMultipartState writes MultipartID, SHA256Offset and SHA256State.
	SetMultipartState(ctx context.Context, id string, s MultipartState) error
}

// StoredObject is an object of the video storage.
type StoredObject struct {
	Key  string
	Size int64
	// SHA256 is the hex sha256 of its bytes; "" when it is not known.
	SHA256 string
}

// FinishedFile is where the bytes of a finished upload are: a local file (parts kept on
// disk) or, when the parts were kept in S3, the object of the video storage they became.
type FinishedFile struct {
	Path   string
	Object StoredObject
}

// Videos registers finished files as videos (the video module).
type Videos interface {
	// Register sniffs the file at path (an error of kind unsupported_media_type when it
	// is not a video), moves it into the video storage and, in one unit of work, creates
	// the video row and its processing job and runs also with the new video's id.
	Register(ctx context.Context, caller principal.Principal, name, visibility, path string,
		also func(ctx context.Context, videoID int64) error) (int64, error)
	// RegisterObject does the same for an object already in the video storage, which
	// becomes the video's stored file where it is: no copy. Its first bytes are read to
	// sniff it; obj.SHA256 ("" when unknown) is trusted when obj.Size is the object's
	// size. The object is never deleted: a video keeps it once the unit of work commits,
	// and until then (a refused file included) it stays its owner's.
	RegisterObject(ctx context.Context, caller principal.Principal, name, visibility string, obj StoredObject,
		also func(ctx context.Context, videoID int64) error) (int64, error)
}

// Quota holds storage for uploads against the quota of the corporation's plan (the usage
// module): an upload reserves its length at creation, settles in the unit of work that
// creates its video, and releases when it is refused, terminated or expires.
type Quota interface {
	// Reserve holds n bytes under key until expires; an error of kind too_large,
	// carrying the figures, when they do not fit.
	Reserve(ctx context.Context, corporationID int64, key string, n int64, expires time.Time) error
	// Settle turns the reservation into the stored bytes of the video, in the unit of
	// work in ctx.
	Settle(ctx context.Context, corporationID int64, key string, videoID, bytes int64) error
	// Release gives a reservation back; releasing one that is gone does nothing.
	Release(ctx context.Context, corporationID int64, key string) error
}

// UnitOfWork runs fn in one transaction.
type UnitOfWork interface {
	Do(ctx context.Context, fn func(ctx context.Context) error) error
}

// Clock tells the time.
type Clock interface{ Now() time.Time }
