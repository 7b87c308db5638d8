package tusd

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/tus/tusd/v2/pkg/handler"
	xslog "golang.org/x/exp/slog"

	"vms/modules/upload/domain"
	"vms/modules/upload/service"
	"vms/platform/httpserver"
	"vms/platform/kind"
	"vms/platform/principal"
)

// BasePath is where the tus routes are mounted.
const BasePath = "/v1/uploads/"

// VideoIDHeader carries, on the response that completes an upload, the id of the video
// the upload became.
const VideoIDHeader = "Video-Id"

// ExpiresFormat is the date format of Upload-Expires (RFC 9110 HTTP-date).
const ExpiresFormat = http.TimeFormat

// Options configure the tus handler.
type Options struct {
	MaxSize     int64
	CORSOrigins []string
}

// NewHandler builds the tusd handler over the store. Creating an upload goes through
// svc.Create (authorisation, length limit, metadata; the upload id comes from it) and
// the response that completes one through svc.Finish (the video row and its job), whose
// video id reaches the client in the Video-Id header. Errors become tusd errors with the
// status their kind maps to.
func NewHandler(store *Store, svc *service.Service, opts Options) (*handler.UnroutedHandler, error) {
	cors := handler.DefaultCorsConfig
	cors.AllowOrigin = originPattern(opts.CORSOrigins)
	cors.AllowHeaders += ", Upload-Checksum"
	cors.ExposeHeaders += ", Upload-Expires, Tus-Checksum-Algorithm, " + VideoIDHeader
	return handler.NewUnroutedHandler(handler.Config{
		StoreComposer:        store.Composer(),
		MaxSize:              opts.MaxSize,
		BasePath:             BasePath,
		DisableDownload:      true,
		DisableConcatenation: true,
		Cors:                 &cors,
		Logger:               xslog.New(xslog.NewTextHandler(io.Discard, nil)),
		PreUploadCreateCallback: func(hook handler.HookEvent) (handler.HTTPResponse, handler.FileInfoChanges, error) {
			caller, _ := principal.From(hook.Context)
			meta := hook.Upload.MetaData
			u, err := svc.Create(hook.Context, caller, hook.Upload.Size, hook.Upload.SizeIsDeferred, meta["name"], meta["visibility"])
			if err != nil {
				return handler.HTTPResponse{}, handler.FileInfoChanges{}, tusError(hook.Context, err)
			}
			kept := handler.MetaData{"name": u.Name, "visibility": u.Visibility}
			if ft := meta["filetype"]; ft != "" {
				kept["filetype"] = ft
			}
			return handler.HTTPResponse{Header: handler.HTTPHeader{"Upload-Expires": u.ExpiresAt.Format(ExpiresFormat)}},
				handler.FileInfoChanges{ID: u.ID, MetaData: kept}, nil
		},
		PreFinishResponseCallback: func(hook handler.HookEvent) (handler.HTTPResponse, error) {
			caller, _ := principal.From(hook.Context)
			// tusd holds the upload's lock for this request.
			ctx := withLockHeld(hook.Context, hook.Upload.ID)
			file, err := store.Finished(ctx, hook.Upload)
			if err != nil {
				return handler.HTTPResponse{}, tusError(ctx, err)
			}
			videoID, err := svc.Finish(ctx, caller, hook.Upload.ID, file)
			if err != nil {
				return handler.HTTPResponse{}, tusError(ctx, err)
			}
			return handler.HTTPResponse{Header: handler.HTTPHeader{VideoIDHeader: strconv.FormatInt(videoID, 10)}}, nil
		},
	})
}

// originPattern matches exactly the configured origins; none configured matches none.
func originPattern(origins []string) *regexp.Regexp {
	if len(origins) == 0 {
		return regexp.MustCompile(`^\b$`) // matches no origin
	}
	quoted := make([]string, 0, len(origins))
	for _, o := range origins {
		quoted = append(quoted, regexp.QuoteMeta(o))
	}
	return regexp.MustCompile(`^(?i:` + strings.Join(quoted, "|") + `)$`)
}

// Failure keeps the use case error that refused a tus request, so the answer's problem
// details can say more than tusd's plain-text error carries (a quota's figures).
type Failure struct{ Err error }

type failureKey struct{}

// WithFailure returns a context in which the error of a use case that refuses the
// request is kept in f.
func WithFailure(ctx context.Context, f *Failure) context.Context {
	return context.WithValue(ctx, failureKey{}, f)
}

// tusError turns a use case's error into the tusd error that answers it: the status the
// error's kind maps to and, except for internal failures (logged), its message. The error
// is kept for the answer (WithFailure).
func tusError(ctx context.Context, err error) error {
	if f, ok := ctx.Value(failureKey{}).(*Failure); ok && f.Err == nil {
		f.Err = err
	}
	var te handler.Error
	if errors.As(err, &te) {
		return te
	}
	status := httpserver.Status(err)
	msg := err.Error()
	var k kind.Kinded
	if errors.As(err, &k) {
		if e, ok := k.(error); ok {
			msg = e.Error()
		}
	}
	if status >= http.StatusInternalServerError {
		slog.ErrorContext(ctx, "upload failed", "err", err)
		msg = "an unexpected error occurred"
	}
	code := "ERR_" + strings.ToUpper(kind.Of(err).String())
	if errors.Is(err, domain.ErrNotFound) {
		code = "ERR_UPLOAD_NOT_FOUND"
	}
	return handler.NewError(code, msg, status)
}

// Offset reports how many bytes of an unfinished upload have arrived.
func (s *Store) Offset(ctx context.Context, id string) (int64, error) {
	u, err := s.parts.GetUpload(ctx, id)
	if errors.Is(err, handler.ErrNotFound) {
		return 0, domain.ErrNotFound
	}
	if err != nil {
		return 0, err
	}
	info, err := u.GetInfo(ctx)
	return info.Offset, err
}
