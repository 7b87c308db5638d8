package wiring_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"vms/app/apptest"
	"vms/app/wiring"
	"vms/modules/video/videoevents"
	"vms/platform/database"
	"vms/platform/database/dbtest"
	"vms/platform/events"
)

// handlers are the event handlers the application registers, in its order.
type handlers struct {
	fx.In
	All []events.Handler `group:"event_handlers"`
}

// wired starts the application on a fresh database of each backend
// and hands fn the database and the handlers the modules register, so the points module
// credits through the user module's balances exactly as wiring binds them.
func wired(t *testing.T, fn func(t *testing.T, db *database.DB, hs []events.Handler)) {
	for _, b := range apptest.Backends() {
		t.Run(string(b), func(t *testing.T) {
			var (
				db *database.DB
				in handlers
			)
			app := fxtest.New(t, fx.NopLogger, wiring.Options(apptest.Config(t, b, nil)), fx.Populate(&db, &in)).RequireStart()
			t.Cleanup(app.RequireStop)
			fn(t, db, in.All)
		})
	}
}

func credits(t *testing.T, db *database.DB, user int64) (balance, rows int64) {
	t.Helper()
	return dbtest.QueryInt(t, db, "SELECT point FROM users WHERE id = ?", user),
		dbtest.QueryInt(t, db, "SELECT count(*) FROM point_transactions WHERE user_id = ?", user)
}

func TestConcurrentCreditsLoseNoUpdate(t *testing.T) {
	wired(t, func(t *testing.T, db *database.DB, hs []events.Handler) {
		user := dbtest.SeedUser(t, db, dbtest.SeedCorporation(t, db, "Acme", "FREE"), "p@example.com", "guest")
		bus := events.NewBus(hs)
		var wg sync.WaitGroup
		for i := range 50 {
			for range 2 { // every event twice: the repeat must not credit
				wg.Add(1)
				go func() {
					defer wg.Done()
					err := db.Do(context.Background(), func(ctx context.Context) error {
						return bus.Publish(ctx, videoevents.VideoViewed{UserID: user, VideoID: int64(i + 1)})
					})
					if err != nil {
						t.Error(err)
					}
				}()
			}
		}
		wg.Wait()
		if balance, rows := credits(t, db, user); balance != 500 || rows != 50 {
			t.Fatalf("points %d, ledger rows %d; want 500 and 50", balance, rows)
		}
	})
}

func TestCreditRollsBackWithTheUnitOfWork(t *testing.T) {
	wired(t, func(t *testing.T, db *database.DB, hs []events.Handler) {
		user := dbtest.SeedUser(t, db, dbtest.SeedCorporation(t, db, "Acme", "FREE"), "p@example.com", "guest")
		boom := errors.New("later handler failed")
		credited := false
		later := events.HandlerFunc(func(ctx context.Context, e videoevents.VideoViewed) error {
			// The application's handlers ran first: the credit is there, uncommitted.
			var n int64
			if err := db.Conn(ctx).Raw("SELECT count(*) FROM point_transactions WHERE user_id = ?", e.UserID).Scan(&n).Error; err != nil {
				return err
			}
			credited = n == 1
			return boom
		})
		bus := events.NewBus(append(append([]events.Handler{}, hs...), later))
		err := db.Do(context.Background(), func(ctx context.Context) error {
			return bus.Publish(ctx, videoevents.VideoViewed{UserID: user, VideoID: 1})
		})
		if !errors.Is(err, boom) || !credited {
			t.Fatalf("Do = %v, credited before the failure %v; want the handler's error after a credit", err, credited)
		}
		if balance, rows := credits(t, db, user); balance != 0 || rows != 0 {
			t.Fatalf("points %d, ledger rows %d after rollback; want 0 and 0", balance, rows)
		}
	})
}
