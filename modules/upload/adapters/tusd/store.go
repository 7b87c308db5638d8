// Package tusd runs the tus 1.0 protocol with github.com/tus/tusd: the parts of uploads
// in a file store under DATA_DIR/uploads or, when the video storage is S3, in tusd's S3
// store in the same bucket (s3.go), with the checksum extension added either way; locked
// per upload by the locker it is given (PostgreSQL advisory locks shared by replicas, or
// an in-process locker on SQLite); and the handler whose callbacks call the upload use
// cases.
package tusd

import (
	"bytes"
	"context"
	"crypto/sha1" //nolint:gosec // G505: sha1 is a tus checksum algorithm, not a security measure
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/tus/tusd/v2/pkg/filestore"
	"github.com/tus/tusd/v2/pkg/handler"

	"vms/modules/upload/ports"
)

// StatusChecksumMismatch is the tus checksum extension's status for a chunk whose
// checksum does not match.
const StatusChecksumMismatch = 460

// ChecksumAlgorithms are the algorithms Upload-Checksum accepts.
const ChecksumAlgorithms = "sha256,sha1"

// ErrChecksumMismatch answers a chunk whose Upload-Checksum does not match its bytes.
var ErrChecksumMismatch = handler.NewError("ERR_CHECKSUM_MISMATCH", "the chunk does not match Upload-Checksum; it was discarded", StatusChecksumMismatch)

// Store keeps the parts of uploads for tusd, in a local folder or in S3, and locks each
// upload while a request works on it.
type Store struct {
	parts  parts
	locker handler.Locker
}

var _ ports.Parts = (*Store)(nil)

// parts is a tusd data store with termination, plus what Store needs beyond tusd.
type parts interface {
	handler.DataStore
	handler.TerminaterDataStore
	// remove deletes an upload's parts and, unless a video keeps it, its finished file;
	// the caller holds the upload's lock.
	remove(ctx context.Context, id string) error
	// finished tells where the bytes of an upload tusd has just completed are.
	finished(ctx context.Context, info handler.FileInfo) (ports.FinishedFile, error)
}

// NewStore opens (creating it if needed) the folder of upload parts: <id> holds the
// bytes, <id>.info tusd's description of the upload. The locker locks each upload for
// tusd's requests and for Remove.
func NewStore(dir string, locker handler.Locker) (*Store, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("upload parts: create %s: %w", dir, err)
	}
	return &Store{parts: fileParts{dir: dir, FileStore: filestore.New(dir)}, locker: locker}, nil
}

// Composer is the tusd store composer: core, termination and locking.
func (s *Store) Composer() *handler.StoreComposer {
	c := handler.NewStoreComposer()
	c.UseCore(s.parts)
	c.UseTerminater(s.parts)
	c.UseLocker(s.locker)
	return c
}

// Finished tells where the bytes of an upload tusd has just completed are: a local file,
// or the object of the video storage the S3 parts became.
func (s *Store) Finished(ctx context.Context, info handler.FileInfo) (ports.FinishedFile, error) {
	return s.parts.finished(ctx, info)
}

// lockHeldKey marks a context whose request already holds the lock of an upload: the
// tusd request that completes it.
type lockHeldKey struct{}

// withLockHeld marks ctx as running under the upload's lock.
func withLockHeld(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, lockHeldKey{}, id)
}

// Remove deletes an upload's parts under its lock (unless ctx comes from the request that
// holds it) and, unless the upload row says a video keeps it, its finished file; missing
// parts are not an error.
func (s *Store) Remove(ctx context.Context, id string) error {
	if strings.ContainsAny(id, `/\.`) || id == "" {
		return nil
	}
	if held, _ := ctx.Value(lockHeldKey{}).(string); held != id {
		lock, err := s.locker.NewLock(id)
		if err != nil {
			return err
		}
		if err := lock.Lock(ctx, func() {}); err != nil {
			return fmt.Errorf("lock upload %s: %w", id, err)
		}
		defer func() { _ = lock.Unlock() }()
	}
	return s.parts.remove(ctx, id)
}

// checksum is the Upload-Checksum of a request.
type checksum struct {
	newHash func() hash.Hash
	sum     []byte
}

type checksumKey struct{}

// WithChecksum parses an Upload-Checksum header ("sha256 <base64>") into ctx, where the
// store checks the chunk against it. An empty header leaves ctx as it is.
func WithChecksum(ctx context.Context, header string) (context.Context, error) {
	if header == "" {
		return ctx, nil
	}
	algo, b64, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok {
		return ctx, errors.New("Upload-Checksum must be an algorithm and a base64 digest")
	}
	var h func() hash.Hash
	switch strings.ToLower(algo) {
	case "sha256":
		h = sha256.New
	case "sha1":
		h = sha1.New
	default:
		return ctx, fmt.Errorf("Upload-Checksum algorithm %q is not supported: use one of %s", algo, ChecksumAlgorithms)
	}
	sum, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil || len(sum) != h().Size() {
		return ctx, errors.New("Upload-Checksum digest is not valid base64 of the algorithm's size")
	}
	return context.WithValue(ctx, checksumKey{}, checksum{newHash: h, sum: sum}), nil
}

// fileParts is the file store whose uploads check chunks against Upload-Checksum.
type fileParts struct {
	dir string
	filestore.FileStore
}

func (s fileParts) NewUpload(ctx context.Context, info handler.FileInfo) (handler.Upload, error) {
	u, err := s.FileStore.NewUpload(ctx, info)
	if err != nil {
		return nil, err
	}
	return &checkedUpload{Upload: u}, nil
}

func (s fileParts) GetUpload(ctx context.Context, id string) (handler.Upload, error) {
	u, err := s.FileStore.GetUpload(ctx, id)
	if err != nil {
		return nil, err
	}
	return &checkedUpload{Upload: u}, nil
}

func (s fileParts) AsTerminatableUpload(u handler.Upload) handler.TerminatableUpload {
	return s.FileStore.AsTerminatableUpload(u.(*checkedUpload).Upload)
}

// remove deletes <id> (still there unless a video took it) and <id>.info.
func (s fileParts) remove(_ context.Context, id string) error {
	var errs []error
	for _, name := range []string{id, id + ".info"} {
		if err := os.Remove(filepath.Join(s.dir, name)); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// finished is the local file tusd wrote.
func (s fileParts) finished(_ context.Context, info handler.FileInfo) (ports.FinishedFile, error) {
	return ports.FinishedFile{Path: info.Storage[filestore.StorageKeyPath]}, nil
}

// checkedUpload verifies a chunk sent with Upload-Checksum: on a mismatch, or any failure
// while such a chunk is written, the bytes it appended are cut off again, so the upload
// stays where it was and resumes from the same offset.
type checkedUpload struct{ handler.Upload }

func (u *checkedUpload) WriteChunk(ctx context.Context, offset int64, src io.Reader) (int64, error) {
	want, ok := ctx.Value(checksumKey{}).(checksum)
	if !ok {
		return u.Upload.WriteChunk(ctx, offset, src)
	}
	h := want.newHash()
	n, err := u.Upload.WriteChunk(ctx, offset, io.TeeReader(src, h))
	if err == nil && !bytes.Equal(h.Sum(nil), want.sum) {
		err = ErrChecksumMismatch
	}
	if err != nil {
		info, ierr := u.GetInfo(ctx)
		if path := info.Storage[filestore.StorageKeyPath]; ierr == nil && path != "" {
			if terr := os.Truncate(path, offset); terr != nil {
				return n, errors.Join(err, terr)
			}
		}
		var herr handler.Error
		if !errors.As(err, &herr) {
			// A broken body: the client resumes from the unchanged offset.
			err = handler.NewError("ERR_CHUNK_DISCARDED", "the chunk sent with Upload-Checksum did not arrive whole; it was discarded", http.StatusBadRequest)
		}
		return 0, err
	}
	return n, nil
}
