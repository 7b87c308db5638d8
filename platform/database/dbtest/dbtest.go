// Package dbtest gives tests a migrated database: a SQLite file in a temp folder, or a
// fresh PostgreSQL database created from TEST_DATABASE_URL and dropped afterwards.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"vms/platform/database"
)

// HowTo tells how to run the PostgreSQL tests.
const HowTo = "PostgreSQL tests skipped: set TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable to run them"

// Backend names a database a test can run on.
type Backend struct {
	Name string
	Open func(t testing.TB) *database.DB
}

// Backends lists SQLite and PostgreSQL.
func Backends() []Backend {
	return []Backend{{Name: "sqlite", Open: SQLite}, {Name: "postgres", Open: Postgres}}
}

// Each runs fn as a subtest on every backend.
func Each(t *testing.T, fn func(t *testing.T, db *database.DB)) {
	for _, b := range Backends() {
		t.Run(b.Name, func(t *testing.T) { fn(t, b.Open(t)) })
	}
}

// SQLite returns a migrated SQLite database in a temp folder.
func SQLite(t testing.TB) *database.DB {
	t.Helper()
	db, err := database.Open("sqlite://"+filepath.Join(t.TempDir(), "vms.db"), database.Options{MaxOpenConns: 8, MaxIdleConns: 8})
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.MigrateUp(context.Background()); err != nil {
		t.Fatalf("migrate sqlite: %v", err)
	}
	return db
}

// PostgresURL returns a URL of a fresh, empty PostgreSQL database dropped at cleanup.
// Without TEST_DATABASE_URL the test is skipped, or fails when CI=true.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("TEST_DATABASE_URL")
	if base == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("TEST_DATABASE_URL is not set but CI=true: PostgreSQL tests must run")
		}
		t.Skip(HowTo)
	}
	admin, err := database.Open(base, database.Options{MaxOpenConns: 2, MaxIdleConns: 1})
	if err != nil {
		t.Fatalf("open TEST_DATABASE_URL: %v", err)
	}
	if err := admin.Ping(context.Background()); err != nil {
		_ = admin.Close()
		t.Fatalf("PostgreSQL at TEST_DATABASE_URL is unreachable: %v", err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "vms_t_" + sanitize(t.Name()) + "_" + hex.EncodeToString(b[:])
	if err := admin.Gorm.Exec("CREATE DATABASE " + name).Error; err != nil {
		_ = admin.Close()
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		_ = admin.Gorm.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").Error
		_ = admin.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

// Postgres returns a migrated PostgreSQL database of its own.
func Postgres(t testing.TB) *database.DB {
	t.Helper()
	db, err := database.Open(PostgresURL(t), database.Options{MaxOpenConns: 10, MaxIdleConns: 5})
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.MigrateUp(context.Background()); err != nil {
		t.Fatalf("migrate postgres: %v", err)
	}
	return db
}

func sanitize(s string) string {
	s = strings.ToLower(s)
	var out strings.Builder
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			out.WriteRune(r)
		} else {
			out.WriteByte('_')
		}
		if out.Len() >= 30 {
			break
		}
	}
	return fmt.Sprint(out.String())
}
