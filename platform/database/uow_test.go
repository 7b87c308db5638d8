package database_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"gorm.io/gorm"

	"vms/platform/database"
	"vms/platform/database/dbtest"
)

var errBoom = errors.New("boom")

func insertCorp(ctx context.Context, t *testing.T, db *database.DB, name string) error {
	t.Helper()
	return db.Conn(ctx).Exec("INSERT INTO corporations (name, plan_type) VALUES (?, 'FREE')", name).Error
}

// countCorps reads through the pool, so it sees committed rows only.
func countCorps(t *testing.T, db *database.DB, prefix string) int64 {
	t.Helper()
	var n int64
	if err := db.Gorm.Raw("SELECT COUNT(*) FROM corporations WHERE name LIKE ?", prefix+"%").Scan(&n).Error; err != nil {
		t.Fatalf("count: %v", err)
	}
	return n
}

func TestUnitOfWork(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()

		t.Run("commit", func(t *testing.T) {
			err := db.Do(ctx, func(ctx context.Context) error {
				if err := insertCorp(ctx, t, db, "commit-a"); err != nil {
					return err
				}
				if n := countCorps(t, db, "commit-"); n != 0 {
					t.Errorf("uncommitted row visible outside the transaction: %d", n)
				}
				return insertCorp(ctx, t, db, "commit-b")
			})
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
			if n := countCorps(t, db, "commit-"); n != 2 {
				t.Fatalf("committed rows = %d, want 2", n)
			}
		})

		t.Run("rollback on error", func(t *testing.T) {
			err := db.Do(ctx, func(ctx context.Context) error {
				if err := insertCorp(ctx, t, db, "err-a"); err != nil {
					return err
				}
				return errBoom
			})
			if !errors.Is(err, errBoom) {
				t.Fatalf("Do returned %v, want the function's error", err)
			}
			if n := countCorps(t, db, "err-"); n != 0 {
				t.Fatalf("rows after rollback = %d, want 0", n)
			}
		})

		t.Run("rollback on panic", func(t *testing.T) {
			func() {
				defer func() {
					if r := recover(); r != "kaboom" {
						t.Fatalf("recovered %v, want the panic to propagate", r)
					}
				}()
				_ = db.Do(ctx, func(ctx context.Context) error {
					if err := insertCorp(ctx, t, db, "panic-a"); err != nil {
						return err
					}
					panic("kaboom")
				})
				t.Fatal("Do returned instead of panicking")
			}()
			if n := countCorps(t, db, "panic-"); n != 0 {
				t.Fatalf("rows after panic = %d, want 0", n)
			}
			// The pool must still work: the connection went back without a dangling transaction.
			if err := db.Do(ctx, func(ctx context.Context) error { return insertCorp(ctx, t, db, "after-panic") }); err != nil {
				t.Fatalf("Do after panic: %v", err)
			}
		})

		t.Run("nested joins outer", func(t *testing.T) {
			err := db.Do(ctx, func(outer context.Context) error {
				if err := insertCorp(outer, t, db, "nest-outer"); err != nil {
					return err
				}
				var innerTx *gorm.DB
				if err := db.Do(outer, func(inner context.Context) error {
					innerTx = db.Conn(inner)
					return insertCorp(inner, t, db, "nest-inner")
				}); err != nil {
					return err
				}
				if innerTx != db.Conn(outer) {
					t.Error("nested Do opened a second transaction")
				}
				if n := countCorps(t, db, "nest-"); n != 0 {
					t.Errorf("inner write committed before the outer transaction: %d rows", n)
				}
				return errBoom
			})
			if !errors.Is(err, errBoom) {
				t.Fatalf("Do returned %v", err)
			}
			if n := countCorps(t, db, "nest-"); n != 0 {
				t.Fatalf("rows after outer rollback = %d, want 0 (inner write must roll back too)", n)
			}
		})

		t.Run("nested error rolls back everything", func(t *testing.T) {
			err := db.Do(ctx, func(outer context.Context) error {
				if err := insertCorp(outer, t, db, "nerr-outer"); err != nil {
					return err
				}
				return db.Do(outer, func(inner context.Context) error {
					if err := insertCorp(inner, t, db, "nerr-inner"); err != nil {
						return err
					}
					return errBoom
				})
			})
			if !errors.Is(err, errBoom) {
				t.Fatalf("Do returned %v", err)
			}
			if n := countCorps(t, db, "nerr-"); n != 0 {
				t.Fatalf("rows = %d, want 0", n)
			}
		})

		t.Run("conn outside a transaction uses the pool", func(t *testing.T) {
			if database.InTx(ctx) {
				t.Fatal("InTx on a bare context")
			}
			if _, ok := db.Conn(ctx).Statement.ConnPool.(*sql.DB); !ok {
				t.Fatalf("Conn outside Do is %T, want the *sql.DB pool", db.Conn(ctx).Statement.ConnPool)
			}
			if err := insertCorp(ctx, t, db, "pool-a"); err != nil {
				t.Fatal(err)
			}
			if n := countCorps(t, db, "pool-"); n != 1 {
				t.Fatalf("write through the pool not visible at once: %d", n)
			}
			err := db.Do(ctx, func(ctx context.Context) error {
				if !database.InTx(ctx) {
					t.Error("InTx false inside Do")
				}
				if _, ok := db.Conn(ctx).Statement.ConnPool.(*sql.Tx); !ok {
					t.Errorf("Conn inside Do is %T, want *sql.Tx", db.Conn(ctx).Statement.ConnPool)
				}
				return nil
			})
			if err != nil {
				t.Fatalf("Do: %v", err)
			}
		})

		t.Run("unique violation is translated", func(t *testing.T) {
			if err := insertCorp(ctx, t, db, "dup"); err != nil {
				t.Fatal(err)
			}
			err := insertCorp(ctx, t, db, "DUP")
			if !errors.Is(err, gorm.ErrDuplicatedKey) {
				t.Fatalf("duplicate insert returned %v, want gorm.ErrDuplicatedKey", err)
			}
		})

		t.Run("row locks", func(t *testing.T) {
			for name, lock := range map[string]func(*gorm.DB) *gorm.DB{"FOR UPDATE": db.ForUpdate, "FOR NO KEY UPDATE": db.ForNoKeyUpdate} {
				sql := db.Gorm.ToSQL(func(tx *gorm.DB) *gorm.DB {
					var out []map[string]any
					return lock(tx.Table("users").Where("id = ?", 1)).Find(&out)
				})
				has := strings.HasSuffix(strings.TrimSpace(sql), name)
				if want := db.Dialect == database.Postgres; has != want {
					t.Errorf("%s: %s present=%v in %q", db.Dialect, name, has, sql)
				}
				if db.Dialect == database.SQLite && strings.Contains(sql, "FOR ") {
					t.Errorf("sqlite: lock clause in %q", sql)
				}
			}
		})
	})
}
