package service_test

import (
	"context"
	"errors"
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

// The exactly-once crediting of concurrent first views, with the real points and user
// modules behind the bus, is tested end to end in app/e2e.

func TestFailingHandlerRollsTheViewLogBack(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		corp := dbtest.SeedCorporation(t, db, "Acme", "FREE")
		viewer := principal.Principal{UserID: dbtest.SeedUser(t, db, corp, "v@example.com", "guest"), CorporationID: corp, Role: principal.RoleGuest}
		boom := errors.New("points unavailable")
		failing := events.HandlerFunc(func(context.Context, videoevents.VideoViewed) error { return boom })
		repo := gormrepo.NewVideos(db)
		svc := service.New(service.Deps{
			Videos: repo, ViewLogs: gormrepo.NewViewLogs(db), Storage: fake.NewStorage(), Sources: fake.NewSources(),
			Plans: fake.NewPlans(), Users: fake.Users{}, Tokens: fake.Tokens{}, UoW: db,
			Publisher: events.NewBus([]events.Handler{failing}), Clock: clock.System{},
		}, service.Settings{PointsPerView: 10, MaxUploadBytes: 1 << 20})
		v, err := repo.Create(context.Background(), domain.Video{Name: "v", CorporationID: corp, SourceKind: domain.SourceUpload, StorageKey: "key"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.RecordView(context.Background(), viewer, v); !errors.Is(err, boom) {
			t.Fatalf("RecordView = %v, want the handler's error", err)
		}
		if logs := dbtest.QueryInt(t, db, "SELECT count(*) FROM video_view_logs WHERE user_id = ?", viewer.UserID); logs != 0 {
			t.Fatalf("%d view logs after rollback, want 0", logs)
		}
		ok, err := svc.HasViewed(context.Background(), viewer, viewer.UserID, v.ID)
		if err != nil || ok {
			t.Fatalf("HasViewed after rollback = %v %v", ok, err)
		}
	})
}
