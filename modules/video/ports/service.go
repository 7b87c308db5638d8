package ports

import (
	"context"
	"io"
	"net/http"
	"time"

	"vms/modules/video/domain"
	"vms/platform/principal"
)

// Playback is a short-lived URL a <video> element can stream without headers.
type Playback struct {
	URL       string
	ExpiresAt time.Time
}

// View is the outcome of recording a view: the log and the points credited by this call.
type View struct {
	Log           domain.ViewLog
	Created       bool
	PointsAwarded int64
}

// Service is what the video module offers its HTTP adapter.
type Service interface {
	CreateFromURL(ctx context.Context, caller principal.Principal, name, sourceURL string) (domain.Video, error)
	// StoreFile streams an upload into storage after checking the caller may upload and
	// sniffing that the bytes are a video.
	StoreFile(ctx context.Context, caller principal.Principal, r io.Reader) (domain.StoredFile, error)
	// CreateUpload registers a stored file as a video; on any failure it deletes the file.
	CreateUpload(ctx context.Context, caller principal.Principal, name string, f domain.StoredFile) (domain.Video, error)
	// DiscardFile deletes a stored file that will not be registered.
	DiscardFile(ctx context.Context, f domain.StoredFile)
	MaxUploadBytes() int64

	Get(ctx context.Context, id int64) (domain.Video, error)
	ListLive(ctx context.Context, afterID int64, limit int) ([]domain.Video, error)
	ListByCorporation(ctx context.Context, caller principal.Principal, corporationID int64, deleted bool, afterID int64, limit int) ([]domain.Video, error)
	Update(ctx context.Context, caller principal.Principal, id int64, ch domain.Changes) (domain.Video, error)
	Delete(ctx context.Context, caller principal.Principal, id int64) error
	Restore(ctx context.Context, caller principal.Principal, id int64) (domain.Video, error)

	// Streamable returns the live video the caller may stream.
	Streamable(ctx context.Context, caller principal.Principal, id int64) (domain.Video, error)
	// OpenFile opens an uploaded video's bytes.
	OpenFile(ctx context.Context, v domain.Video) (io.ReadSeekCloser, error)
	// FetchSource requests a url video's bytes with the client's headers passed through.
	FetchSource(ctx context.Context, v domain.Video, method string, header http.Header) (*http.Response, error)
	// RedirectURL returns a presigned URL when streams should be redirected to storage.
	RedirectURL(ctx context.Context, v domain.Video) (url string, ok bool, err error)

	// RecordView records the caller's first view of a live video and credits points.
	RecordView(ctx context.Context, caller principal.Principal, v domain.Video) (View, error)
	// RecordStreamView records a stream request's view; a pair known to be viewed costs
	// no database work at all.
	RecordStreamView(ctx context.Context, caller principal.Principal, v domain.Video) error
	// ViewVideo records a view of the live video with this id.
	ViewVideo(ctx context.Context, caller principal.Principal, videoID int64) (View, error)
	HasViewed(ctx context.Context, caller principal.Principal, userID, videoID int64) (bool, error)
	Playback(ctx context.Context, caller principal.Principal, id int64) (Playback, error)
}
