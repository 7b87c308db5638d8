// Package localstore keeps uploaded video files in a local folder. Every access goes
// through an os.Root, so no key can reach a file outside that folder.
package localstore

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"regexp"
	"time"

	"vms/modules/video/ports"
)

var _ ports.Storage = (*Store)(nil)

const (
	// tmpDir holds objects being written; they are renamed into place once complete.
	tmpDir = ".tmp"
	// staleAfter is the age past which a temporary file is a leftover of a crash.
	staleAfter = 24 * time.Hour
	copyChunk  = 256 << 10
)

// keyPattern matches the keys Put generates: two fan-out folders taken from the random
// id, then the id itself.
var keyPattern = regexp.MustCompile(`^([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{32})\.bin$`)

// Store is a ports.Storage over one local folder.
type Store struct {
	root *os.Root
	dirs dirRoots
}

// New opens (creating it if needed) the folder dir and removes temporary files left
// behind by an earlier crash.
func New(dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("local storage: empty folder name")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("local storage: create %s: %w", dir, err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("local storage: open %s: %w", dir, err)
	}
	if err := root.MkdirAll(tmpDir, 0o750); err != nil {
		_ = root.Close()
		return nil, fmt.Errorf("local storage: create %s: %w", tmpDir, err)
	}
	s := &Store{root: root}
	s.sweep(time.Now().Add(-staleAfter))
	return s, nil
}

// Close releases the folder handle.
func (s *Store) Close() error {
	s.dirs.close()
	return s.root.Close()
}

// Put streams r into a temporary file while hashing and counting it, then renames the
// synced file to a newly generated key. Past opts.MaxBytes (when it is > 0), on a read
// or write error, or when ctx ends, the temporary file is removed and nothing is stored.
// A file has no content type of its own: the stream use case sends the video's.
func (s *Store) Put(ctx context.Context, r io.Reader, opts ports.PutOptions) (ports.StoredObject, error) {
	id, err := randomID()
	if err != nil {
		return ports.StoredObject{}, err
	}
	key := id[0:2] + "/" + id[2:4] + "/" + id + ".bin"
	tmp := tmpDir + "/" + id + ".part"
	f, err := s.root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return ports.StoredObject{}, fmt.Errorf("local storage: create temporary file: %w", err)
	}
	done := false
	defer func() {
		if !done {
			_ = f.Close()
			_ = s.root.Remove(tmp)
		}
	}()
	h := sha256.New()
	n, err := copyLimited(ctx, io.MultiWriter(f, h), r, opts.MaxBytes)
	if err != nil {
		return ports.StoredObject{}, err
	}
	if err := f.Sync(); err != nil {
		return ports.StoredObject{}, fmt.Errorf("local storage: sync: %w", err)
	}
	if err := f.Close(); err != nil {
		return ports.StoredObject{}, fmt.Errorf("local storage: close: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return ports.StoredObject{}, err
	}
	if err := s.root.MkdirAll(path.Dir(key), 0o750); err != nil {
		return ports.StoredObject{}, fmt.Errorf("local storage: create folder: %w", err)
	}
	if err := s.root.Rename(tmp, key); err != nil {
		return ports.StoredObject{}, fmt.Errorf("local storage: move into place: %w", err)
	}
	done = true
	return ports.StoredObject{Key: key, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// Open opens the object under key. The result is an *os.File, so the stream writer can
// send it with sendfile. A key Put could not have generated is reported as not found.
func (s *Store) Open(ctx context.Context, key string) (io.ReadSeekCloser, error) {
	if !consistent(key) {
		return nil, ErrNotFound
	}
	f, err := s.open(key)
	if errors.Is(err, fs.ErrPermission) {
		return nil, fmt.Errorf("local storage: open: %w", err)
	}
	if err != nil {
		// Missing, or a path that would leave the folder (a planted symlink): either
		// way there is no object under this key.
		return nil, ErrNotFound
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		_ = f.Close()
		return nil, ErrNotFound
	}
	return f, nil
}

// open opens a key through its kept fan-out folder, or through the root when the folder
// is missing or the set of kept folders is full.
func (s *Store) open(key string) (*os.File, error) {
	dir, name := path.Split(key)
	if r, ok := s.dirs.get(s.root, path.Clean(dir)); ok {
		return r.Open(name)
	}
	return s.root.Open(key)
}

// Delete removes the object under key; a missing object, or a key that cannot name one,
// is not an error.
func (s *Store) Delete(ctx context.Context, key string) error {
	if !consistent(key) {
		return nil
	}
	if err := s.root.Remove(key); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("local storage: delete: %w", err)
	}
	return nil
}

// PresignGet reports that local files cannot be presigned.
func (s *Store) PresignGet(ctx context.Context, key string, opts ports.PresignOptions) (string, bool, error) {
	return "", false, nil
}

// Ready creates, writes and removes a probe file to prove the folder is writable.
func (s *Store) Ready(ctx context.Context) error {
	id, err := randomID()
	if err != nil {
		return err
	}
	name := tmpDir + "/ready-" + id
	f, err := s.root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o640)
	if err != nil {
		return fmt.Errorf("local storage not writable: %w", err)
	}
	_, werr := f.Write([]byte("ok"))
	cerr := f.Close()
	rerr := s.root.Remove(name)
	if err := errors.Join(werr, cerr, rerr); err != nil {
		return fmt.Errorf("local storage not writable: %w", err)
	}
	return nil
}

// consistent tells whether key has the form Put generates and its fan-out folders are
// the first bytes of its id.
func consistent(key string) bool {
	m := keyPattern.FindStringSubmatch(key)
	return m != nil && m[3][0:2] == m[1] && m[3][2:4] == m[2]
}

func randomID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("local storage: random key: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}
