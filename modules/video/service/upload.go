package service

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"vms/modules/video/domain"
	"vms/modules/video/ports"
	"vms/modules/video/videoevents"
	"vms/platform/kind"
	"vms/platform/principal"
)

// sniffLen is how many leading bytes content sniffing looks at.
const sniffLen = 512

// maxNamePart bounds the bytes read from the name part.
const maxNamePart = 4 * domain.MaxNameLength

// Upload registers an uploaded file as a video of the caller's corporation. It reads the
// parts as they arrive: "name" and "visibility" (in any position; visibility is private
// unless "public") and exactly one "file", which streams
// into storage under a generated key while hashing, after its first bytes sniff as a
// video. Any other part, a missing file or a bad name is a validation error. The row is
// written only after the file is stored; on any failure, a cancelled request included,
// the stored file is deleted. Errors reading the parts keep the kind the parts give them.
//
// Before a byte is read, the upload reserves its declared length (at most
// MaxUploadBytes; MaxUploadBytes when the body declares none) against the corporation's
// storage quota: over it, nothing is read or stored. The unit of work that creates the
// video settles the reservation to the file's size; any failure releases it.
func (s *Service) Upload(ctx context.Context, caller principal.Principal, parts domain.UploadParts) (domain.Video, error) {
	if !caller.IsAdmin() {
		return domain.Video{}, domain.ErrAdminOnly
	}
	key, err := s.reserve(ctx, caller.CorporationID, parts.Length())
	if err != nil {
		return domain.Video{}, err
	}
	var stored *domain.StoredFile
	v, err := s.upload(ctx, caller, parts, key, &stored)
	if err != nil {
		if stored != nil {
			s.discardFile(ctx, *stored)
		}
		s.release(ctx, caller.CorporationID, key)
		return domain.Video{}, err
	}
	return v, nil
}

// uploadReservation bounds how long a multipart upload's reservation outlives a process
// that died before settling or releasing it.
const uploadReservation = 24 * time.Hour

// reserve holds room for an upload declaring length bytes and returns the reservation's
// key; "" when there are no quotas.
func (s *Service) reserve(ctx context.Context, corporationID, length int64) (string, error) {
	if s.Quota == nil {
		return "", nil
	}
	n := s.cfg.MaxUploadBytes
	if length > 0 && (n == 0 || length < n) {
		n = length
	}
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("reservation key: %w", err)
	}
	key := "multipart:" + hex.EncodeToString(b[:])
	if err := s.Quota.Reserve(ctx, corporationID, key, n, s.Clock.Now().Add(uploadReservation)); err != nil {
		return "", err
	}
	return key, nil
}

// release gives an upload's reservation back, even when the request was cancelled; a
// failure leaves it to expire.
func (s *Service) release(ctx context.Context, corporationID int64, key string) {
	if key == "" {
		return
	}
	if err := s.Quota.Release(context.WithoutCancel(ctx), corporationID, key); err != nil {
		slog.WarnContext(ctx, "release upload reservation", "key", key, "err", err)
	}
}

// upload reads the parts, storing the file and reporting it through stored so Upload
// can delete it when anything fails later.
func (s *Service) upload(ctx context.Context, caller principal.Principal, parts domain.UploadParts, key string, stored **domain.StoredFile) (domain.Video, error) {
	var name string
	vis := domain.Private
	for {
		field, body, err := parts.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return domain.Video{}, &uploadReadError{err: err}
		}
		switch field {
		case "name":
			if name, err = readName(body); err != nil {
				return domain.Video{}, err
			}
		case "visibility":
			if vis, err = readVisibility(body); err != nil {
				return domain.Video{}, err
			}
		case "file":
			if *stored != nil {
				return domain.Video{}, domain.Invalid("file", "send one file per request")
			}
			f, err := s.storeFile(ctx, body)
			if err != nil {
				return domain.Video{}, err
			}
			*stored = &f
		default:
			return domain.Video{}, domain.Invalid(field, "is not a known field")
		}
	}
	if *stored == nil {
		return domain.Video{}, domain.Invalid("file", "is required")
	}
	clean, err := domain.NormalizeName(name)
	if err != nil {
		return domain.Video{}, err
	}
	f := **stored
	var v domain.Video
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		var err error
		v, err = s.Videos.Create(ctx, domain.Video{
			Name: clean, CorporationID: caller.CorporationID, Visibility: vis, SourceKind: domain.SourceUpload,
			StorageKey: f.Key, ContentType: f.ContentType, SizeBytes: f.Size, SHA256: f.SHA256,
		})
		if err != nil {
			return fmt.Errorf("create video: %w", err)
		}
		if err := s.Publisher.Publish(ctx, created(v)); err != nil {
			return err
		}
		// The media module starts processing (its row and its job) in this unit of work.
		if err := s.Publisher.Publish(ctx, videoevents.VideoStored{VideoID: v.ID, CorporationID: v.CorporationID, StorageKey: v.StorageKey}); err != nil {
			return err
		}
		if key == "" {
			return nil
		}
		return s.Quota.Settle(ctx, v.CorporationID, key, v.ID, f.Size)
	})
	if err != nil {
		return domain.Video{}, err
	}
	return s.withMedia(ctx, v)
}

// readName reads the name part, refusing more bytes than a valid name can have.
func readName(body io.Reader) (string, error) {
	raw, err := io.ReadAll(io.LimitReader(body, maxNamePart+1))
	if err != nil {
		return "", &uploadReadError{err: err}
	}
	if len(raw) > maxNamePart {
		return "", domain.Invalid("name", "must be at most 200 characters")
	}
	return domain.NormalizeName(string(raw))
}

// maxVisibilityPart bounds the bytes read from the visibility part: room for "private"
// with surrounding white space.
const maxVisibilityPart = 16

// readVisibility reads the visibility part; absent or empty is private. A part longer than
// maxVisibilityPart is refused whole rather than read in part, so what follows the first
// bytes cannot be dropped unseen.
func readVisibility(body io.Reader) (domain.Visibility, error) {
	raw, err := io.ReadAll(io.LimitReader(body, maxVisibilityPart+1))
	if err != nil {
		return "", &uploadReadError{err: err}
	}
	if len(raw) > maxVisibilityPart {
		return domain.ParseVisibility(string(raw))
	}
	return domain.ParseNewVisibility(strings.TrimSpace(string(raw)))
}

// storeFile streams the file part into storage while hashing it, after checking that its
// first bytes sniff as a video; the object is stored with the sniffed content type.
func (s *Service) storeFile(ctx context.Context, r io.Reader) (domain.StoredFile, error) {
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
	obj, err := s.Storage.Put(ctx, io.MultiReader(bytes.NewReader(head), src), ports.PutOptions{
		MaxBytes: s.cfg.MaxUploadBytes, ContentType: ct,
	})
	if err != nil {
		if src.err != nil && !errors.Is(err, src.err) {
			err = fmt.Errorf("%w (%w)", src.err, err)
		}
		return domain.StoredFile{}, fmt.Errorf("store upload: %w", err)
	}
	return domain.StoredFile{Key: obj.Key, Size: obj.Size, SHA256: obj.SHA256, ContentType: ct}, nil
}

// discardFile deletes a stored file that will not be registered. It runs even when the
// request was cancelled, so an aborted upload leaves no file behind.
func (s *Service) discardFile(ctx context.Context, f domain.StoredFile) {
	if err := s.Storage.Delete(context.WithoutCancel(ctx), f.Key); err != nil {
		slog.WarnContext(ctx, "delete discarded upload", "key", f.Key, "err", err)
	}
}

// sourceReader remembers the error of the client's body, so a broken upload is reported
// as the client's failure rather than a storage failure.
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

// uploadReadError is a failure reading the client's body.
type uploadReadError struct{ err error }

func (e *uploadReadError) Error() string { return "reading the upload failed: " + e.err.Error() }
func (e *uploadReadError) Unwrap() error { return e.err }

// Kind keeps the kind the parts gave the failure (too large for a body over the request
// limit) and makes any other broken body a bad request.
func (e *uploadReadError) Kind() kind.Kind {
	if k := kind.Of(e.err); k != kind.Internal {
		return k
	}
	return kind.BadRequest
}
