package platform

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"vms/platform/config"
)

func TestStorageDirCheck(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "videos")
	check, err := StorageDirCheck(config.Config{StorageURL: "file://" + dir})
	if err != nil {
		t.Fatal(err)
	}
	if check.Name() != "storage" {
		t.Fatalf("name %q", check.Name())
	}
	if err := check.Check(context.Background()); err != nil {
		t.Fatalf("writable folder: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("the check left %d files behind", len(entries))
	}

	// A regular file where the folder should be: not usable, even for root.
	blocker := filepath.Join(t.TempDir(), "blocker")
	if err := os.WriteFile(blocker, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	check, err = StorageDirCheck(config.Config{StorageURL: "file://" + filepath.Join(blocker, "videos")})
	if err != nil {
		t.Fatal(err)
	}
	if err := check.Check(context.Background()); err == nil {
		t.Fatal("a folder under a regular file passed the storage check")
	}

	if _, err := StorageDirCheck(config.Config{StorageURL: "s3://bucket"}); err == nil {
		t.Fatal("StorageDirCheck accepted s3:// storage")
	}
}
