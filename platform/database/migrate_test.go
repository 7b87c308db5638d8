package database_test

import (
	"context"
	"testing"

	"vms/platform/database"
	"vms/platform/database/dbtest"
)

// schema lists the tables of the specification with the columns each must have.
var schema = map[string][]string{
	"corporations":       {"id", "name", "plan_type", "plan_expired_at", "deleted_at", "created_at", "updated_at"},
	"users":              {"id", "email", "password_hash", "role", "corporation_id", "point", "password_changed_at", "deleted_at", "created_at", "updated_at"},
	"videos":             {"id", "name", "corporation_id", "source_kind", "storage_key", "source_url", "content_type", "size_bytes", "sha256", "deleted", "deleted_at", "created_at", "updated_at"},
	"video_view_logs":    {"id", "user_id", "video_id", "created_at"},
	"point_transactions": {"id", "user_id", "amount", "reason", "ref_id", "created_at"},
	"refresh_tokens":     {"id", "user_id", "token_hash", "family_id", "expires_at", "last_used_at", "revoked_at", "created_at"},
	"media":              {"video_id", "status", "error", "original_key", "duration_seconds", "width", "height", "video_codec", "audio_codec", "bitrate", "poster_key", "renditions", "created_at", "updated_at"},
	"media_hls_files":    {"video_id", "path", "storage_key", "size_bytes"},
	"watch_sessions":     {"video_id", "user_id", "seconds", "watched_seconds", "furthest_seconds", "duration_seconds", "first_seen_at", "last_seen_at"},
	"api_keys":           {"id", "corporation_id", "name", "prefix", "key_hash", "scopes", "expires_at", "last_used_at", "revoked_at", "created_at", "updated_at"},
}

func TestMigrationsUpDownUp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		assertSchema(t, db)
		if db.Gorm.Migrator().HasTable("scheduler_runs") {
			t.Error("the unused scheduler_runs table still exists after migrating up")
		}
		p, err := db.Migrator()
		if err != nil {
			t.Fatal(err)
		}
		if v, err := p.GetDBVersion(ctx); err != nil || v < 1 {
			t.Fatalf("version after up = %d, %v", v, err)
		}
		if _, err := p.DownTo(ctx, 0); err != nil {
			t.Fatalf("down to zero: %v", err)
		}
		for table := range schema {
			if db.Gorm.Migrator().HasTable(table) {
				t.Errorf("table %s still exists after migrating down", table)
			}
		}
		if v, err := p.GetDBVersion(ctx); err != nil || v != 0 {
			t.Fatalf("version after down = %d, %v", v, err)
		}
		if err := db.MigrateUp(ctx); err != nil {
			t.Fatalf("up again: %v", err)
		}
		assertSchema(t, db)
		if err := db.MigrateUp(ctx); err != nil {
			t.Fatalf("up when current: %v", err)
		}
	})
}

func TestSchemaConstraints(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		exec := func(sql string, args ...any) error { return db.Gorm.Exec(sql, args...).Error }
		if err := exec("INSERT INTO corporations (name, plan_type) VALUES ('Acme', 'PAID')"); err == nil {
			t.Error("PAID without plan_expired_at was accepted")
		}
		if err := exec("INSERT INTO corporations (name, plan_type) VALUES ('Acme', 'GOLD')"); err == nil {
			t.Error("unknown plan_type was accepted")
		}
		if err := exec("INSERT INTO corporations (id, name, plan_type) VALUES (1, 'Acme', 'FREE')"); err != nil {
			t.Fatal(err)
		}
		if err := exec("UPDATE corporations SET deleted_at = CURRENT_TIMESTAMP WHERE id = 1"); err != nil {
			t.Fatal(err)
		}
		if err := exec("INSERT INTO corporations (id, name, plan_type) VALUES (2, 'ACME', 'FREE')"); err != nil {
			t.Errorf("name of a deleted corporation not reusable: %v", err)
		}
		if err := exec("INSERT INTO corporations (name, plan_type) VALUES ('acme', 'FREE')"); err == nil {
			t.Error("case-insensitive duplicate live name accepted")
		}
		if err := exec("INSERT INTO users (id, email, password_hash, role, corporation_id) VALUES (1, 'a@x.io', 'h', 'admin', 2)"); err != nil {
			t.Fatal(err)
		}
		if err := exec("UPDATE users SET point = -1 WHERE id = 1"); err == nil {
			t.Error("negative point accepted")
		}
		if err := exec("INSERT INTO users (email, password_hash, role, corporation_id) VALUES ('b@x.io', 'h', 'admin', 999)"); err == nil {
			t.Error("user of a missing corporation accepted (foreign keys off?)")
		}
		if err := exec("INSERT INTO videos (id, name, corporation_id, source_kind, source_url) VALUES (1, 'v', 2, 'url', 'https://e.x/v.mp4')"); err != nil {
			t.Fatal(err)
		}
		if err := exec("INSERT INTO video_view_logs (user_id, video_id) VALUES (1, 1)"); err != nil {
			t.Fatal(err)
		}
		if err := exec("INSERT INTO video_view_logs (user_id, video_id) VALUES (1, 1)"); err == nil {
			t.Error("second view log for the same (user, video) accepted")
		}
		if err := exec("INSERT INTO point_transactions (user_id, amount, reason, ref_id) VALUES (1, 10, 'view', 1)"); err != nil {
			t.Fatal(err)
		}
		if err := exec("INSERT INTO point_transactions (user_id, amount, reason, ref_id) VALUES (1, 10, 'view', 1)"); err == nil {
			t.Error("duplicate ledger row accepted")
		}
	})
}

func assertSchema(t *testing.T, db *database.DB) {
	t.Helper()
	m := db.Gorm.Migrator()
	for table, cols := range schema {
		if !m.HasTable(table) {
			t.Errorf("%s: table %s missing", db.Dialect, table)
			continue
		}
		for _, c := range cols {
			if !m.HasColumn(table, c) {
				t.Errorf("%s: column %s.%s missing", db.Dialect, table, c)
			}
		}
	}
}

// River's job tables are created in the same migrate step as the schema.
func TestMigrateUpCreatesTheJobTables(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		for _, table := range []string{"river_job", "river_leader", "river_migration", "river_queue"} {
			if !db.Gorm.Migrator().HasTable(table) {
				t.Errorf("table %s is missing after MigrateUp", table)
			}
		}
		if n := dbtest.QueryInt(t, db, "SELECT COUNT(*) FROM river_migration"); n < 1 {
			t.Fatalf("river_migration has %d rows", n)
		}
		// Applying again changes nothing.
		applied, err := db.MigrateJobs(context.Background())
		if err != nil || len(applied) != 0 {
			t.Fatalf("second MigrateJobs applied %v, %v", applied, err)
		}
	})
}

// A failing job migration fails the migrate step.
func TestMigrateUpReportsJobMigrationFailure(t *testing.T) {
	db, err := database.Open("sqlite://"+t.TempDir()+"/vms.db", database.Options{MaxOpenConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// A table of that name that is not River's: its migrator cannot read it.
	if err := db.Gorm.Exec("CREATE TABLE river_migration (nonsense TEXT)").Error; err != nil {
		t.Fatal(err)
	}
	if err := db.MigrateUp(context.Background()); err == nil {
		t.Fatal("MigrateUp succeeded although River's migrations failed")
	}
}
