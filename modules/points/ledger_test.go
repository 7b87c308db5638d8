package points_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"vms/modules/points"
	"vms/modules/video/videoevents"
	"vms/platform/database"
	"vms/platform/database/dbtest"
	"vms/platform/events"
)

// sqlBalances is the users.point access the user module provides, reduced to SQL.
type sqlBalances struct{ db *database.DB }

func (b sqlBalances) LockUser(ctx context.Context, id int64) error {
	var got int64
	return b.db.ForNoKeyUpdate(b.db.Conn(ctx).Table("users").Select("id").Where("id = ?", id)).Scan(&got).Error
}

func (b sqlBalances) AddPoints(ctx context.Context, id, amount int64) error {
	return b.db.Conn(ctx).Exec("UPDATE users SET point = point + ? WHERE id = ?", amount, id).Error
}

func seedUser(t *testing.T, db *database.DB) int64 {
	t.Helper()
	var corp, user int64
	if err := db.Gorm.Raw("INSERT INTO corporations (name, plan_type) VALUES ('Acme', 'FREE') RETURNING id").Scan(&corp).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Gorm.Raw("INSERT INTO users (email, password_hash, role, corporation_id) VALUES ('p@example.com', 'x', 'guest', ?) RETURNING id", corp).Scan(&user).Error; err != nil {
		t.Fatal(err)
	}
	return user
}

func state(t *testing.T, db *database.DB, user int64) (credited, rows int64) {
	t.Helper()
	db.Gorm.Raw("SELECT point FROM users WHERE id = ?", user).Scan(&credited)
	db.Gorm.Raw("SELECT count(*) FROM point_transactions WHERE user_id = ?", user).Scan(&rows)
	return
}

func TestAppendOnConflict(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		user := seedUser(t, db)
		l := points.NewGormLedger(db)
		ctx := context.Background()
		tx := points.Transaction{UserID: user, Amount: 10, Reason: points.ReasonVideoView, RefID: 5}
		if ins, err := l.Append(ctx, tx); err != nil || !ins {
			t.Fatalf("first append %v %v", ins, err)
		}
		if ins, err := l.Append(ctx, tx); err != nil || ins {
			t.Fatalf("repeat append %v %v, want not inserted", ins, err)
		}
		tx.RefID = 6
		if ins, err := l.Append(ctx, tx); err != nil || !ins {
			t.Fatalf("other ref %v %v", ins, err)
		}
		tx.Reason = "bonus"
		if ins, err := l.Append(ctx, tx); err != nil || !ins {
			t.Fatalf("other reason %v %v", ins, err)
		}
	})
}

func TestConcurrentCreditsLoseNoUpdate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		user := seedUser(t, db)
		bus := events.NewBus([]events.Handler{points.NewAwarder(points.NewGormLedger(db), sqlBalances{db}, 10).Handler()})
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
		if credited, rows := state(t, db, user); credited != 500 || rows != 50 {
			t.Fatalf("points %d, ledger rows %d; want 500 and 50", credited, rows)
		}
	})
}

func TestCreditRollsBackWithTheUnitOfWork(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		user := seedUser(t, db)
		boom := errors.New("later handler failed")
		bus := events.NewBus([]events.Handler{
			points.NewAwarder(points.NewGormLedger(db), sqlBalances{db}, 10).Handler(),
			events.HandlerFunc(func(context.Context, videoevents.VideoViewed) error { return boom }),
		})
		err := db.Do(context.Background(), func(ctx context.Context) error {
			return bus.Publish(ctx, videoevents.VideoViewed{UserID: user, VideoID: 1})
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Do = %v", err)
		}
		if credited, rows := state(t, db, user); credited != 0 || rows != 0 {
			t.Fatalf("points %d, ledger rows %d after rollback; want 0 and 0", credited, rows)
		}
	})
}
