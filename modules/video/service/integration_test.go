package service_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"vms/modules/video/adapters/gormrepo"
	"vms/modules/video/domain"
	"vms/modules/video/fake"
	"vms/modules/video/service"
	"vms/modules/video/videoevents"
	"vms/platform/clock"
	"vms/platform/database"
	"vms/platform/database/dbtest"
	"vms/platform/events"
	"vms/platform/principal"
)

// ledgerHandler credits points the way the points module does (lock the user row, write
// the ledger row once, add to the balance), so these tests check the video side of the
// exactly-once guarantee against a real database.
func ledgerHandler(db *database.DB) events.Handler {
	return events.HandlerFunc(func(ctx context.Context, e videoevents.VideoViewed) error {
		conn := db.Conn(ctx)
		var id int64
		if err := db.ForNoKeyUpdate(conn.Table("users").Select("id").Where("id = ?", e.UserID)).Scan(&id).Error; err != nil {
			return err
		}
		res := conn.Exec("INSERT INTO point_transactions (user_id, amount, reason, ref_id) VALUES (?, 10, 'video_view', ?) ON CONFLICT DO NOTHING", e.UserID, e.VideoID)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		return conn.Exec("UPDATE users SET point = point + 10 WHERE id = ?", e.UserID).Error
	})
}

type dbEnv struct {
	db     *database.DB
	svc    *service.Service
	videos []domain.Video
	viewer principal.Principal
}

func newDBEnv(t *testing.T, db *database.DB, nVideos int, handlers ...events.Handler) dbEnv {
	t.Helper()
	var corp, user int64
	if err := db.Gorm.Raw("INSERT INTO corporations (name, plan_type) VALUES ('Acme', 'FREE') RETURNING id").Scan(&corp).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Gorm.Raw("INSERT INTO users (email, password_hash, role, corporation_id) VALUES ('v@example.com', 'x', 'guest', ?) RETURNING id", corp).Scan(&user).Error; err != nil {
		t.Fatal(err)
	}
	repo := gormrepo.NewVideos(db)
	svc := service.New(service.Deps{
		Videos: repo, ViewLogs: gormrepo.NewViewLogs(db), Storage: fake.NewStorage(), Sources: fake.NewSources(),
		Plans: fake.NewPlans(), Users: fake.Users{}, Tokens: fake.Tokens{}, UoW: db,
		Publisher: events.NewBus(handlers), Clock: clock.System{},
	}, service.Settings{PointsPerView: 10, MaxUploadBytes: 1 << 20})
	e := dbEnv{db: db, svc: svc, viewer: principal.Principal{UserID: user, CorporationID: corp, Role: principal.RoleGuest}}
	for i := range nVideos {
		v, err := repo.Create(context.Background(), domain.Video{Name: "v", CorporationID: corp, SourceKind: domain.SourceUpload, StorageKey: "key-" + string(rune('a'+i%26)) + string(rune('a'+i/26))})
		if err != nil {
			t.Fatal(err)
		}
		e.videos = append(e.videos, v)
	}
	return e
}

func (e dbEnv) counts(t *testing.T) (points, logs, ledger int64) {
	t.Helper()
	g := e.db.Gorm
	if err := g.Raw("SELECT point FROM users WHERE id = ?", e.viewer.UserID).Scan(&points).Error; err != nil {
		t.Fatal(err)
	}
	g.Raw("SELECT count(*) FROM video_view_logs WHERE user_id = ?", e.viewer.UserID).Scan(&logs)
	g.Raw("SELECT count(*) FROM point_transactions WHERE user_id = ?", e.viewer.UserID).Scan(&ledger)
	return
}

func TestConcurrentViewsOfOneVideoCreditOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newDBEnv(t, db, 1, ledgerHandler(db))
		var wg sync.WaitGroup
		created := make(chan bool, 100)
		for range 100 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v, err := e.svc.RecordView(context.Background(), e.viewer, e.videos[0])
				if err != nil {
					t.Error(err)
				}
				created <- v.Created
			}()
		}
		wg.Wait()
		close(created)
		n := 0
		for c := range created {
			if c {
				n++
			}
		}
		points, logs, ledger := e.counts(t)
		if n != 1 || points != 10 || logs != 1 || ledger != 1 {
			t.Fatalf("created=%d points=%d logs=%d ledger=%d; want 1, 10, 1, 1", n, points, logs, ledger)
		}
	})
}

func TestConcurrentViewsOfManyVideosLoseNoUpdate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		e := newDBEnv(t, db, 50, ledgerHandler(db))
		var wg sync.WaitGroup
		for _, v := range e.videos {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := e.svc.RecordView(context.Background(), e.viewer, v); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		points, logs, ledger := e.counts(t)
		if points != 500 || logs != 50 || ledger != 50 {
			t.Fatalf("points=%d logs=%d ledger=%d; want 500, 50, 50", points, logs, ledger)
		}
	})
}

func TestFailingHandlerRollsTheViewLogBack(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		boom := errors.New("points unavailable")
		failing := events.HandlerFunc(func(context.Context, videoevents.VideoViewed) error { return boom })
		e := newDBEnv(t, db, 1, ledgerHandler(db), failing)
		if _, err := e.svc.RecordView(context.Background(), e.viewer, e.videos[0]); !errors.Is(err, boom) {
			t.Fatalf("RecordView = %v, want the handler's error", err)
		}
		points, logs, ledger := e.counts(t)
		if points != 0 || logs != 0 || ledger != 0 {
			t.Fatalf("after rollback points=%d logs=%d ledger=%d; want all 0", points, logs, ledger)
		}
		ok, err := e.svc.HasViewed(context.Background(), e.viewer, e.viewer.UserID, e.videos[0].ID)
		if err != nil || ok {
			t.Fatalf("HasViewed after rollback = %v %v", ok, err)
		}
	})
}
