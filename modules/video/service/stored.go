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
	clean, vis, err := checkStored(caller, name, visibility)
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
	v, err := s.createStored(ctx, caller, clean, vis, f, also)
	if err != nil {
		s.discardFile(ctx, f)
		return domain.Video{}, err
	}
	return v, nil
}

// RegisterObject registers an object already in storage (a resumable upload completed
// in the bucket) as a video of the caller's corporation, keeping it where it is: nothing
// is copied. Its first bytes, read through the storage's ranged reader, must sniff as a
// video (else ErrNotVideo). Its size is the storage's; obj.SHA256 is kept when obj.Size
// is that size ("" leaves the video without a strong ETag). Then one unit of work as in
// RegisterStored. The object is never deleted here: until the unit of work commits it
// is its owner's, a refused file included.
func (s *Service) RegisterObject(ctx context.Context, caller principal.Principal, name, visibility string, obj ports.StoredObject,
	also func(ctx context.Context, v domain.Video) error,
) (domain.Video, error) {
	clean, vis, err := checkStored(caller, name, visibility)
	if err != nil {
		return domain.Video{}, err
	}
	f, err := s.inspectObject(ctx, obj)
	if err != nil {
		return domain.Video{}, err
	}
	return s.createStored(ctx, caller, clean, vis, f, also)
}

// checkStored checks the caller and the video's name and visibility.
func checkStored(caller principal.Principal, name, visibility string) (string, domain.Visibility, error) {
	if !caller.IsAdmin() {
		return "", "", domain.ErrAdminOnly
	}
	clean, err := domain.NormalizeName(name)
	if err != nil {
		return "", "", err
	}
	vis, err := domain.ParseNewVisibility(strings.TrimSpace(visibility))
	if err != nil {
		return "", "", err
	}
	return clean, vis, nil
}

// createStored creates, in one unit of work, the row of a video whose file is stored,
// publishes VideoStored (so the media module adds its processing job) and runs also.
func (s *Service) createStored(ctx context.Context, caller principal.Principal, name string, vis domain.Visibility, f domain.StoredFile,
	also func(ctx context.Context, v domain.Video) error,
) (domain.Video, error) {
	var v domain.Video
	err := s.UoW.Do(ctx, func(ctx context.Context) error {
		var err error
		v, err = s.Videos.Create(ctx, domain.Video{
			Name: name, CorporationID: caller.CorporationID, Visibility: vis, SourceKind: domain.SourceUpload,
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
		return domain.Video{}, err
	}
	return v, nil
}

// inspectObject sniffs a stored object and measures it.
func (s *Service) inspectObject(ctx context.Context, obj ports.StoredObject) (domain.StoredFile, error) {
	r, err := s.Storage.Open(ctx, obj.Key)
	if err != nil {
		return domain.StoredFile{}, fmt.Errorf("open stored object: %w", err)
	}
	defer r.Close()
	size, err := r.Seek(0, io.SeekEnd)
	if err == nil {
		_, err = r.Seek(0, io.SeekStart)
	}
	if err != nil {
		return domain.StoredFile{}, fmt.Errorf("measure stored object: %w", err)
	}
	if s.cfg.MaxUploadBytes > 0 && size > s.cfg.MaxUploadBytes {
		return domain.StoredFile{}, domain.ErrTooLarge
	}
	ct, err := sniff(r)
	if err != nil {
		return domain.StoredFile{}, err
	}
	f := domain.StoredFile{Key: obj.Key, Size: size, ContentType: ct}
	if obj.Size == size {
		f.SHA256 = obj.SHA256
	}
	return f, nil
}

// sniffFile reads the first bytes of the file at path and returns its media type when it
// sniffs as a video.
func sniffFile(path string) (string, error) {
	file, err := os.Open(path) //nolint:gosec // G304: a finished upload under DATA_DIR, named by the server
	if err != nil {
		return "", fmt.Errorf("open finished upload: %w", err)
	}
	defer file.Close()
	return sniff(file)
}

// sniff reads the first bytes of r and returns their media type when they sniff as a
// video.
func sniff(r io.Reader) (string, error) {
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(r, head)
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

// Stored exposes RegisterStored and RegisterObject to app/wiring, which binds them to the
// upload module's port.
type Stored struct{ s *Service }

// Stored returns the service's RegisterStored use case.
func (s *Service) Stored() Stored { return Stored{s: s} }

// Register is Service.RegisterStored.
func (st Stored) Register(ctx context.Context, caller principal.Principal, name, visibility, path string,
	also func(ctx context.Context, v domain.Video) error,
) (domain.Video, error) {
	return st.s.RegisterStored(ctx, caller, name, visibility, path, also)
}

// RegisterObject is Service.RegisterObject.
func (st Stored) RegisterObject(ctx context.Context, caller principal.Principal, name, visibility string, obj ports.StoredObject,
	also func(ctx context.Context, v domain.Video) error,
) (domain.Video, error) {
	return st.s.RegisterObject(ctx, caller, name, visibility, obj, also)
}
