package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"vms/modules/video/domain"
	"vms/modules/video/ports"
	"vms/modules/video/videoevents"
	"vms/platform/principal"
)

// RegisterStored registers a file a resumable upload finished on local disk as a video of
// the caller's corporation. Its first bytes must sniff as a video (else ErrNotVideo and
// the file is left alone for its owner to delete). The file is moved into storage
// (renamed when the storage is a local folder on the same filesystem, else copied
// through Put, leaving the source to its owner); then one unit of work creates the row,
// publishes VideoStored (so the media module adds its processing job) and runs also,
// which lets the caller record the video in its own tables in the same transaction. When
// the unit of work fails the stored file is deleted.
func (s *Service) RegisterStored(ctx context.Context, caller principal.Principal, name, visibility, path string,
	also func(ctx context.Context, v domain.Video) error,
) (domain.Video, error) {
	if !caller.IsAdmin() {
		return domain.Video{}, domain.ErrAdminOnly
	}
	clean, err := domain.NormalizeName(name)
	if err != nil {
		return domain.Video{}, err
	}
	vis, err := domain.ParseNewVisibility(strings.TrimSpace(visibility))
	if err != nil {
		return domain.Video{}, err
	}
	ct, err := sniffFile(path)
	if err != nil {
		return domain.Video{}, err
	}
	f, err := s.adopt(ctx, path, ct)
	if err != nil {
		return domain.Video{}, err
	}
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
		if err := s.Publisher.Publish(ctx, videoevents.VideoStored{VideoID: v.ID, CorporationID: v.CorporationID, StorageKey: v.StorageKey}); err != nil {
			return err
		}
		if also != nil {
			return also(ctx, v)
		}
		return nil
	})
	if err != nil {
		s.discardFile(ctx, f)
		return domain.Video{}, err
	}
	return v, nil
}

// sniffFile reads the first bytes of the file at path and returns its media type when it
// sniffs as a video.
func sniffFile(path string) (string, error) {
	file, err := os.Open(path) //nolint:gosec // G304: a finished upload under DATA_DIR, named by the server
	if err != nil {
		return "", fmt.Errorf("open finished upload: %w", err)
	}
	defer file.Close()
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(file, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read finished upload: %w", err)
	}
	if n == 0 {
		return "", domain.Invalid("file", "must not be empty")
	}
	ct := http.DetectContentType(head[:n])
	if !domain.IsVideoContentType(ct) {
		return "", domain.ErrNotVideo
	}
	if mt, _, ok := strings.Cut(ct, ";"); ok {
		ct = strings.TrimSpace(mt)
	}
	return ct, nil
}

// adopt moves the file into storage, by rename when the storage can adopt local files.
func (s *Service) adopt(ctx context.Context, path, contentType string) (domain.StoredFile, error) {
	opts := ports.PutOptions{MaxBytes: s.cfg.MaxUploadBytes, ContentType: contentType}
	var obj ports.StoredObject
	if a, ok := s.Storage.(ports.Adopter); ok {
		o, err := a.Adopt(ctx, path, opts)
		if err != nil {
			return domain.StoredFile{}, fmt.Errorf("store finished upload: %w", err)
		}
		obj = o
	} else {
		file, err := os.Open(path) //nolint:gosec // G304: as in sniffFile
		if err != nil {
			return domain.StoredFile{}, fmt.Errorf("open finished upload: %w", err)
		}
		o, err := s.Storage.Put(ctx, file, opts)
		_ = file.Close()
		if err != nil {
			return domain.StoredFile{}, fmt.Errorf("store finished upload: %w", err)
		}
		obj = o
	}
	return domain.StoredFile{Key: obj.Key, Size: obj.Size, SHA256: obj.SHA256, ContentType: contentType}, nil
}

// Stored exposes RegisterStored to app/wiring, which binds it to the upload module's port.
type Stored struct{ s *Service }

// Stored returns the service's RegisterStored use case.
func (s *Service) Stored() Stored { return Stored{s: s} }

// Register is Service.RegisterStored.
func (st Stored) Register(ctx context.Context, caller principal.Principal, name, visibility, path string,
	also func(ctx context.Context, v domain.Video) error,
) (domain.Video, error) {
	return st.s.RegisterStored(ctx, caller, name, visibility, path, also)
}
