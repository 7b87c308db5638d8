package database_test

import (
	"context"
	"path/filepath"
	"testing"

	"vms/platform/database"
	"vms/platform/database/dbtest"
)

// urls names, per backend, a database that Open has not seen yet.
var urls = map[string]func(t *testing.T) string{
	"sqlite": func(t *testing.T) string {
		// Folders that do not exist yet: Open creates them.
		return "sqlite://" + filepath.Join(t.TempDir(), "data", "db", "vms.db")
	},
	"postgres": func(t *testing.T) string { return dbtest.PostgresURL(t) },
}

func open(t *testing.T, url string, opts database.Options) *database.DB {
	t.Helper()
	db, err := database.Open(url, opts)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func maxOpen(t *testing.T, db *database.DB) int {
	t.Helper()
	sqlDB, err := db.Gorm.DB()
	if err != nil {
		t.Fatal(err)
	}
	return sqlDB.Stats().MaxOpenConnections
}

func TestOpenPoolSize(t *testing.T) {
	for name, url := range urls {
		t.Run(name, func(t *testing.T) {
			u := url(t)
			cases := []struct {
				opts database.Options
				want int
			}{
				{database.Options{MaxOpenConns: 3, MaxIdleConns: 2}, 3},
				{database.Options{MaxOpenConns: 1}, 1},
				{database.Options{}, 20},
				{database.Options{MaxOpenConns: -1}, 20},
			}
			for _, c := range cases {
				db := open(t, u, c.opts)
				if err := db.Ping(context.Background()); err != nil {
					t.Fatalf("ping: %v", err)
				}
				if got := maxOpen(t, db); got != c.want {
					t.Errorf("%+v: pool allows %d open connections, want %d", c.opts, got, c.want)
				}
			}
		})
	}
}

func TestOpenDialectAndClose(t *testing.T) {
	want := map[string]database.Dialect{"sqlite": database.SQLite, "postgres": database.Postgres}
	for name, url := range urls {
		t.Run(name, func(t *testing.T) {
			db := open(t, url(t), database.Options{})
			if db.Dialect != want[name] {
				t.Fatalf("dialect %q, want %q", db.Dialect, want[name])
			}
			ctx := context.Background()
			if err := db.Ping(ctx); err != nil {
				t.Fatalf("ping: %v", err)
			}
			if err := db.Close(); err != nil {
				t.Fatalf("close: %v", err)
			}
			if err := db.Ping(ctx); err == nil {
				t.Fatal("ping answered after close")
			}
		})
	}
}

func TestOpenRefusesOtherURLs(t *testing.T) {
	for _, u := range []string{"", "mysql://root@localhost/vms", "vms.db", "file:vms.db"} {
		if db, err := database.Open(u, database.Options{}); err == nil {
			_ = db.Close()
			t.Errorf("Open(%q) accepted", u)
		}
	}
}
