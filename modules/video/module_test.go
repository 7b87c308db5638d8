package video

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"vms/modules/video/ports"
	"vms/platform/config"
)

func TestNewStorageFromFileURL(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "videos")
	s, err := NewStorage(config.Config{StorageURL: "file://" + filepath.ToSlash(dir)})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.Ready(ctx); err != nil {
		t.Fatalf("ready: %v", err)
	}
	obj, err := s.Put(ctx, strings.NewReader("hello"), ports.PutOptions{MaxBytes: 100})
	if err != nil {
		t.Fatal(err)
	}
	if matches, _ := filepath.Glob(filepath.Join(dir, "*")); len(matches) == 0 {
		t.Fatalf("nothing written under %s", dir)
	}
	f, err := s.Open(ctx, obj.Key)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	got, _ := io.ReadAll(f)
	if !bytes.Equal(got, []byte("hello")) {
		t.Fatalf("read back %q", got)
	}
}

func TestNewStorageRefusesOtherSchemes(t *testing.T) {
	for _, u := range []string{"ftp://host/x", "gs://bucket", "::bad"} {
		if _, err := NewStorage(config.Config{StorageURL: u}); err == nil {
			t.Errorf("STORAGE_URL %q accepted", u)
		}
	}
}
