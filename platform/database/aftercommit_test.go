package database_test

import (
	"context"
	"errors"
	"testing"

	"vms/platform/database"
	"vms/platform/database/dbtest"
)

// AfterCommit's functions run once the outermost unit of work has committed, with its
// rows visible outside it, and never after a rollback, an inner Do's end or a panic.
func TestAfterCommit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()

		t.Run("runs after the outermost commit", func(t *testing.T) {
			var ran int
			var seen int64
			err := db.Do(ctx, func(outer context.Context) error {
				if err := db.Do(outer, func(inner context.Context) error {
					database.AfterCommit(inner, func() { ran++; seen = countCorps(t, db, "hook-commit") })
					return insertCorp(inner, t, db, "hook-commit")
				}); err != nil {
					return err
				}
				if ran != 0 {
					t.Error("the hook ran when the inner Do returned")
				}
				db.AfterCommit(outer, func() { ran++ })
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if ran != 2 || seen != 1 {
				t.Fatalf("hooks ran %d times, saw %d committed rows; want 2 runs after the commit", ran, seen)
			}
		})

		t.Run("never after a rollback", func(t *testing.T) {
			ran := false
			err := db.Do(ctx, func(ctx context.Context) error {
				database.AfterCommit(ctx, func() { ran = true })
				return errBoom
			})
			if !errors.Is(err, errBoom) || ran {
				t.Fatalf("Do = %v, hook ran = %v; want the error and no run", err, ran)
			}
			func() {
				defer func() { _ = recover() }()
				_ = db.Do(ctx, func(ctx context.Context) error {
					database.AfterCommit(ctx, func() { ran = true })
					panic("kaboom")
				})
			}()
			if ran {
				t.Fatal("the hook ran after a panic")
			}
		})

		t.Run("at once without a unit of work", func(t *testing.T) {
			ran := false
			database.AfterCommit(ctx, func() { ran = true })
			if !ran {
				t.Fatal("the hook did not run at once outside a unit of work")
			}
		})
	})
}
