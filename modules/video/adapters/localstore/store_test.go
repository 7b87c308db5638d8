package localstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"vms/modules/video/ports"
	"vms/platform/kind"
)

func newStore(t *testing.T) (*Store, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "videos")
	s, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, dir
}

// storedFiles lists every regular file under dir, temporary ones included.
func storedFiles(t *testing.T, dir string) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func TestPutOpenRoundTrip(t *testing.T) {
	s, dir := newStore(t)
	data, err := os.ReadFile("testdata/sample.mp4")
	if err != nil {
		t.Fatal(err)
	}
	obj, err := s.Put(context.Background(), bytes.NewReader(data), ports.PutOptions{MaxBytes: int64(len(data))})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if obj.Size != int64(len(data)) || obj.SHA256 != hex.EncodeToString(sum[:]) {
		t.Fatalf("object = %+v", obj)
	}
	if !keyPattern.MatchString(obj.Key) || !consistent(obj.Key) {
		t.Fatalf("key %q has an unexpected shape", obj.Key)
	}
	rc, err := s.Open(context.Background(), obj.Key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	if _, ok := rc.(*os.File); !ok {
		t.Errorf("Open returned %T, want *os.File", rc)
	}
	if _, err := rc.Seek(100, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	if err != nil || !bytes.Equal(got, data[100:]) {
		t.Fatalf("read back %d bytes (%v)", len(got), err)
	}
	if files := storedFiles(t, dir); len(files) != 1 || filepath.ToSlash(files[0]) != filepath.ToSlash(filepath.Join(dir, obj.Key)) {
		t.Errorf("files on disk = %v", files)
	}
}

func TestPutKeysAreUnique(t *testing.T) {
	s, _ := newStore(t)
	var mu sync.Mutex
	keys := map[string]bool{}
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			obj, err := s.Put(context.Background(), strings.NewReader("same bytes"), ports.PutOptions{})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			keys[obj.Key] = true
			mu.Unlock()
		})
	}
	wg.Wait()
	if len(keys) != 16 {
		t.Errorf("%d distinct keys for 16 uploads", len(keys))
	}
}

func TestPutSizeLimit(t *testing.T) {
	s, dir := newStore(t)
	if _, err := s.Put(context.Background(), strings.NewReader("0123456789"), ports.PutOptions{MaxBytes: 10}); err != nil {
		t.Fatalf("exactly the limit: %v", err)
	}
	_, err := s.Put(context.Background(), strings.NewReader("0123456789A"), ports.PutOptions{MaxBytes: 10})
	if !errors.Is(err, ErrTooLarge) || kind.Of(err) != kind.TooLarge {
		t.Fatalf("err = %v, want too_large", err)
	}
	if files := storedFiles(t, dir); len(files) != 1 {
		t.Errorf("files after a refused upload = %v", files)
	}
}

type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n > 0 {
		r.n--
		return copy(p, "partial data"), nil
	}
	return 0, errors.New("connection reset")
}

// cancelingReader cancels its context after handing out some bytes.
type cancelingReader struct {
	cancel context.CancelFunc
	sent   bool
}

func (r *cancelingReader) Read(p []byte) (int, error) {
	if r.sent {
		return copy(p, "more"), nil
	}
	r.sent = true
	r.cancel()
	return copy(p, "first"), nil
}

func TestPutLeavesNothingOnFailure(t *testing.T) {
	s, dir := newStore(t)
	if _, err := s.Put(context.Background(), &failingReader{n: 3}, ports.PutOptions{}); err == nil {
		t.Error("read error was not reported")
	}
	ctx, cancel := context.WithCancel(context.Background())
	if _, err := s.Put(ctx, &cancelingReader{cancel: cancel}, ports.PutOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled upload: err = %v", err)
	}
	if files := storedFiles(t, dir); len(files) != 0 {
		t.Errorf("files left behind: %v", files)
	}
}

func TestOpenRefusesForeignKeys(t *testing.T) {
	s, dir := newStore(t)
	outside := filepath.Join(filepath.Dir(dir), "secret.bin")
	if err := os.WriteFile(outside, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	planted := "aa/bb/aabb0000000000000000000000000000.bin"
	if err := os.MkdirAll(filepath.Join(dir, "aa", "bb"), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, filepath.FromSlash(planted))); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{
		"", "../secret.bin", "/etc/passwd", outside, "aa/bb/../../../secret.bin",
		"aa/bb/ccdd0000000000000000000000000000.bin", // fan-out does not match the id
		"AA/BB/AABB0000000000000000000000000000.bin",
		"aa/bb/aabb0000000000000000000000000001.bin", // well formed, missing
		"aa/bb/aabb0000000000000000000000000000.bin/x",
		planted, // a symlink leading out of the folder
	} {
		rc, err := s.Open(context.Background(), key)
		if err == nil {
			rc.Close()
			t.Errorf("Open(%q) succeeded", key)
			continue
		}
		if kind.Of(err) != kind.NotFound {
			t.Errorf("Open(%q) = %v, want not_found", key, err)
		}
	}
	if err := s.Delete(context.Background(), "../secret.bin"); err != nil {
		t.Errorf("Delete of a foreign key: %v", err)
	}
	if _, err := os.Stat(outside); err != nil {
		t.Errorf("file outside the folder was touched: %v", err)
	}
}

func TestDelete(t *testing.T) {
	s, dir := newStore(t)
	obj, err := s.Put(context.Background(), strings.NewReader("video"), ports.PutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(context.Background(), obj.Key); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(context.Background(), obj.Key); err != nil {
		t.Errorf("second delete: %v", err)
	}
	if _, err := s.Open(context.Background(), obj.Key); !errors.Is(err, ErrNotFound) {
		t.Errorf("Open after delete: %v", err)
	}
	if files := storedFiles(t, dir); len(files) != 0 {
		t.Errorf("files left: %v", files)
	}
}

func TestReadyAndPresign(t *testing.T) {
	s, dir := newStore(t)
	if err := s.Ready(context.Background()); err != nil {
		t.Fatal(err)
	}
	if files := storedFiles(t, dir); len(files) != 0 {
		t.Errorf("probe left files: %v", files)
	}
	if url, ok, err := s.PresignGet(context.Background(), "aa/bb/x.bin", ports.PresignOptions{TTL: time.Minute}); ok || err != nil || url != "" {
		t.Errorf("PresignGet = %q %v %v", url, ok, err)
	}
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := s.Ready(context.Background()); err == nil {
		t.Error("Ready succeeded on a removed folder")
	}
}

func TestNewSweepsStaleTemporaryFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "videos")
	tmp := filepath.Join(dir, tmpDir)
	if err := os.MkdirAll(tmp, 0o750); err != nil {
		t.Fatal(err)
	}
	stale, fresh := filepath.Join(tmp, "old.part"), filepath.Join(tmp, "new.part")
	for _, p := range []string{stale, fresh} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-48 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	s, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stale file kept: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("fresh file removed: %v", err)
	}
}

func TestOpenRefusesAFolderSymlinkLeavingTheStore(t *testing.T) {
	s, dir := newStore(t)
	outside := t.TempDir()
	if err := os.MkdirAll(filepath.Join(outside, "dd"), 0o750); err != nil {
		t.Fatal(err)
	}
	key := "cc/dd/ccdd0000000000000000000000000000.bin"
	if err := os.WriteFile(filepath.Join(outside, "dd", "ccdd0000000000000000000000000000.bin"), []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The first fan-out folder is a symlink to a folder outside the store.
	if err := os.Symlink(outside, filepath.Join(dir, "cc")); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second time through any kept folder handle
		if rc, err := s.Open(context.Background(), key); err == nil {
			rc.Close()
			t.Fatal("opened a file through a folder symlink leading out of the store")
		}
	}
}

func TestKeptFolderSeesLaterObjects(t *testing.T) {
	s, dir := newStore(t)
	ctx := context.Background()
	obj, err := s.Put(ctx, strings.NewReader("first"), ports.PutOptions{MaxBytes: 1 << 10})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := s.Open(ctx, obj.Key) // keeps the object's folder open
	if err != nil {
		t.Fatal(err)
	}
	rc.Close()
	// A second object in the same folder, written after the folder was kept.
	later := obj.Key[:6] + obj.Key[6:10] + "ffffffffffffffffffffffffffff.bin"
	if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(later)), []byte("second"), 0o600); err != nil {
		t.Fatal(err)
	}
	rc, err = s.Open(ctx, later)
	if err != nil {
		t.Fatalf("open %s through the kept folder: %v", later, err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "second" {
		t.Fatalf("read %q", b)
	}
}

// BenchmarkOpen opens and closes one stored object, as every stream request does.
func BenchmarkOpen(b *testing.B) {
	s, err := New(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	obj, err := s.Put(ctx, strings.NewReader("video bytes"), ports.PutOptions{MaxBytes: 1 << 10})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		rc, err := s.Open(ctx, obj.Key)
		if err != nil {
			b.Fatal(err)
		}
		rc.Close()
	}
}
