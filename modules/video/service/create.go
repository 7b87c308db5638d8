package service

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"vms/modules/video/domain"
	"vms/platform/kind"
	"vms/platform/principal"
)

// sniffLen is how many leading bytes content sniffing looks at.
const sniffLen = 512

// CreateFromURL registers an http(s) source URL as a video of the caller's corporation.
func (s *Service) CreateFromURL(ctx context.Context, caller principal.Principal, name, sourceURL string) (domain.Video, error) {
	if !caller.IsAdmin() {
		return domain.Video{}, domain.ErrAdminOnly
	}
	fields := map[string]string{}
	clean, err := domain.NormalizeName(name)
	if err != nil {
		fields["name"] = err.(*kind.ValidationError).Fields["name"]
	}
	src := strings.TrimSpace(sourceURL)
	if src == "" {
		fields["file_path"] = "is required"
	} else if err := s.Sources.Validate(src); err != nil {
		fields["file_path"] = err.Error()
	}
	if len(fields) > 0 {
		return domain.Video{}, domain.InvalidFields(fields)
	}
	v, err := s.Videos.Create(ctx, domain.Video{
		Name: clean, CorporationID: caller.CorporationID, SourceKind: domain.SourceURL, SourceURL: src,
	})
	if err != nil {
		return domain.Video{}, fmt.Errorf("create video: %w", err)
	}
	return v, nil
}

// StoreFile streams an upload into storage while hashing it, after checking the caller is
// an admin and that the first bytes sniff as a video. The object gets a generated key.
func (s *Service) StoreFile(ctx context.Context, caller principal.Principal, r io.Reader) (domain.StoredFile, error) {
	if !caller.IsAdmin() {
		return domain.StoredFile{}, domain.ErrAdminOnly
	}
	src := &sourceReader{r: r}
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(src, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return domain.StoredFile{}, fmt.Errorf("read upload: %w", err)
	}
	head = head[:n]
	if n == 0 {
		return domain.StoredFile{}, domain.Invalid("file", "must not be empty")
	}
	ct := http.DetectContentType(head)
	if !domain.IsVideoContentType(ct) {
		return domain.StoredFile{}, domain.ErrNotVideo
	}
	if mt, _, ok := strings.Cut(ct, ";"); ok {
		ct = strings.TrimSpace(mt)
	}
	obj, err := s.Storage.Put(ctx, io.MultiReader(bytes.NewReader(head), src), s.cfg.MaxUploadBytes)
	if err != nil {
		if src.err != nil && !errors.Is(err, src.err) {
			err = fmt.Errorf("%w (%w)", src.err, err)
		}
		return domain.StoredFile{}, fmt.Errorf("store upload: %w", err)
	}
	return domain.StoredFile{Key: obj.Key, Size: obj.Size, SHA256: obj.SHA256, ContentType: ct}, nil
}

// CreateUpload registers a stored file as a video of the caller's corporation. The row is
// written only after the file is stored; when it cannot be written the file is deleted.
func (s *Service) CreateUpload(ctx context.Context, caller principal.Principal, name string, f domain.StoredFile) (domain.Video, error) {
	v, err := s.createUpload(ctx, caller, name, f)
	if err != nil {
		s.DiscardFile(ctx, f)
		return domain.Video{}, err
	}
	return v, nil
}

func (s *Service) createUpload(ctx context.Context, caller principal.Principal, name string, f domain.StoredFile) (domain.Video, error) {
	if !caller.IsAdmin() {
		return domain.Video{}, domain.ErrAdminOnly
	}
	clean, err := domain.NormalizeName(name)
	if err != nil {
		return domain.Video{}, err
	}
	v, err := s.Videos.Create(ctx, domain.Video{
		Name: clean, CorporationID: caller.CorporationID, SourceKind: domain.SourceUpload,
		StorageKey: f.Key, ContentType: f.ContentType, SizeBytes: f.Size, SHA256: f.SHA256,
	})
	if err != nil {
		return domain.Video{}, fmt.Errorf("create video: %w", err)
	}
	return v, nil
}

// DiscardFile deletes a stored file that will not be registered. It runs even when the
// request was cancelled, so an aborted upload leaves no file behind.
func (s *Service) DiscardFile(ctx context.Context, f domain.StoredFile) {
	if f.Key == "" {
		return
	}
	if err := s.Storage.Delete(context.WithoutCancel(ctx), f.Key); err != nil {
		slog.WarnContext(ctx, "delete discarded upload", "key", f.Key, "err", err)
	}
}

// sourceReader remembers the error of the client's body, so a broken upload is reported
// as a bad request (or 413 for a body over the limit) rather than a storage failure.
type sourceReader struct {
	r   io.Reader
	err error
}

func (s *sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF && s.err == nil {
		s.err = &uploadReadError{err: err}
		return n, s.err
	}
	return n, err
}

type uploadReadError struct{ err error }

func (e *uploadReadError) Error() string { return "reading the upload failed: " + e.err.Error() }
func (e *uploadReadError) Unwrap() error { return e.err }

// Kind makes a body over the request limit a 413 and any other broken body a 400.
func (e *uploadReadError) Kind() kind.Kind {
	var mbe *http.MaxBytesError
	if errors.As(e.err, &mbe) {
		return kind.TooLarge
	}
	var k kind.Kinded
	if errors.As(e.err, &k) {
		return k.Kind()
	}
	return kind.BadRequest
}
