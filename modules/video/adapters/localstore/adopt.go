package localstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"syscall"

	"vms/modules/video/ports"
)

var _ ports.Adopter = (*Store)(nil)

// Adopt hashes and syncs the file at src and renames it under a newly generated key, so a finished
// resumable upload on the same filesystem becomes a stored object without a copy. Across
// filesystems it falls back to Put and removes src afterwards.
func (s *Store) Adopt(ctx context.Context, src string, opts ports.PutOptions) (ports.StoredObject, error) {
	f, err := os.Open(src) //nolint:gosec // G304: src is a finished upload under DATA_DIR, named by the server
	if err != nil {
		return ports.StoredObject{}, fmt.Errorf("local storage: open upload: %w", err)
	}
	h := sha256.New()
	n, err := copyLimited(ctx, h, f, opts.MaxBytes)
	if err == nil {
		// As Put does: the bytes are on disk before the video that names them commits.
		if serr := f.Sync(); serr != nil {
			err = fmt.Errorf("local storage: sync upload: %w", serr)
		}
	}
	_ = f.Close()
	if err != nil {
		return ports.StoredObject{}, err
	}
	id, err := randomID()
	if err != nil {
		return ports.StoredObject{}, err
	}
	key := id[0:2] + "/" + id[2:4] + "/" + id + ".bin"
	if err := s.root.MkdirAll(path.Dir(key), 0o750); err != nil {
		return ports.StoredObject{}, fmt.Errorf("local storage: create folder: %w", err)
	}
	dst := filepath.Join(s.root.Name(), filepath.FromSlash(key))
	err = os.Rename(src, dst)
	if errors.Is(err, syscall.EXDEV) {
		return s.copyAndRemove(ctx, src, opts)
	}
	if err != nil {
		return ports.StoredObject{}, fmt.Errorf("local storage: move upload into place: %w", err)
	}
	return ports.StoredObject{Key: key, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// copyAndRemove stores src through Put and removes it once stored.
func (s *Store) copyAndRemove(ctx context.Context, src string, opts ports.PutOptions) (ports.StoredObject, error) {
	f, err := os.Open(src) //nolint:gosec // G304: as in Adopt
	if err != nil {
		return ports.StoredObject{}, fmt.Errorf("local storage: open upload: %w", err)
	}
	obj, err := s.Put(ctx, io.Reader(f), opts)
	_ = f.Close()
	if err != nil {
		return ports.StoredObject{}, err
	}
	_ = os.Remove(src)
	return obj, nil
}
