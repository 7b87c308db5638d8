package gormrepo_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"vms/modules/user/adapters/gormrepo"
	"vms/modules/user/domain"
	"vms/platform/database"
	"vms/platform/database/dbtest"
)

func newUser(t *testing.T, db *database.DB, email string) domain.User {
	t.Helper()
	u, err := gormrepo.New(db).Create(context.Background(), domain.NewUser{Email: email, PasswordHash: "h", Role: domain.RoleGuest, CorporationID: newCorporation(db)(t)}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func points(t *testing.T, db *database.DB, id int64) int64 {
	t.Helper()
	u, err := gormrepo.New(db).FindLive(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return u.Point
}

func TestBalances(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		b := gormrepo.New(db)
		u := newUser(t, db, "a@x.io")
		err := db.Do(ctx, func(ctx context.Context) error {
			if err := b.LockUser(ctx, u.ID); err != nil {
				return err
			}
			return b.AddPoints(ctx, u.ID, 10)
		})
		if err != nil || points(t, db, u.ID) != 10 {
			t.Fatalf("after credit: %d, %v", points(t, db, u.ID), err)
		}
		if err := b.LockUser(ctx, 9999); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("lock unknown: %v", err)
		}
		if err := b.AddPoints(ctx, 9999, 1); !errors.Is(err, domain.ErrNotFound) {
			t.Fatalf("credit unknown: %v", err)
		}
		if err := b.AddPoints(ctx, u.ID, -11); err == nil {
			t.Fatal("balance went below zero")
		}
		// A rolled back credit leaves the balance alone.
		rollBack := errors.New("roll back")
		err = db.Do(ctx, func(ctx context.Context) error {
			if err := b.AddPoints(ctx, u.ID, 5); err != nil {
				return err
			}
			if in, err := b.FindLive(ctx, u.ID); err != nil || in.Point != 15 {
				t.Errorf("inside the unit of work %d, %v; want 15", in.Point, err)
			}
			return rollBack
		})
		if !errors.Is(err, rollBack) {
			t.Fatalf("Do = %v, want the rollback", err)
		}
		if p := points(t, db, u.ID); p != 10 {
			t.Fatalf("after rollback %d", p)
		}
	})
}

// TestLockSerialisesReadThenWrite runs many read-lock-write transactions on one user
// at once; with the row lock none of them loses an update.
func TestLockSerialisesReadThenWrite(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		b := gormrepo.New(db)
		repo := gormrepo.New(db)
		u := newUser(t, db, "a@x.io")
		const n = 20
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- db.Do(ctx, func(ctx context.Context) error {
					if err := b.LockUser(ctx, u.ID); err != nil {
						return err
					}
					cur, err := repo.FindLive(ctx, u.ID)
					if err != nil {
						return err
					}
					// Write the value read plus one, as a read-then-write would.
					return db.Conn(ctx).Exec("UPDATE users SET point = ? WHERE id = ?", cur.Point+1, u.ID).Error
				})
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		if p := points(t, db, u.ID); p != n {
			t.Fatalf("balance %d, want %d", p, n)
		}
	})
}
