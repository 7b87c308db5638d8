package gormrepo_test

import (
	"context"
	"testing"

	"vms/modules/media/adapters/gormrepo"
	"vms/modules/media/domain"
	"vms/platform/database"
	"vms/platform/database/dbtest"
)

func seedVideo(t *testing.T, db *database.DB, key string) int64 {
	t.Helper()
	corp := dbtest.SeedCorporation(t, db, "corp-"+key, "FREE")
	var id int64
	if err := db.Gorm.Raw("INSERT INTO videos (name, corporation_id, source_kind, storage_key) VALUES ('v', ?, 'upload', ?) RETURNING id", corp, key).Scan(&id).Error; err != nil || id == 0 {
		t.Fatalf("seed video: %d %v", id, err)
	}
	return id
}

func TestRepository(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		r := gormrepo.New(db)
		a, b := seedVideo(t, db, "a"), seedVideo(t, db, "b")
		if _, ok, err := r.Get(ctx, a); ok || err != nil {
			t.Fatalf("Get before Begin: ok=%v err=%v", ok, err)
		}
		if err := r.Begin(ctx, a, "a", domain.Processing); err != nil {
			t.Fatal(err)
		}
		found := domain.Media{VideoID: a, Status: domain.Ready, DurationSeconds: 2.5, Width: 320, Height: 240,
			VideoCodec: "h264", AudioCodec: "aac", Bitrate: 355700, PosterKey: "poster-1"}
		if err := r.Save(ctx, found); err != nil {
			t.Fatal(err)
		}
		m, ok, err := r.Get(ctx, a)
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		if m.Status != domain.Ready || m.OriginalKey != "a" || m.DurationSeconds != 2.5 || m.Width != 320 || m.Height != 240 ||
			m.VideoCodec != "h264" || m.AudioCodec != "aac" || m.Bitrate != 355700 || m.PosterKey != "poster-1" || m.UpdatedAt.IsZero() {
			t.Fatalf("saved media = %+v", m)
		}
		// Beginning again resets status and error but keeps what the last run found.
		if err := r.Fail(ctx, a, "broken"); err != nil {
			t.Fatal(err)
		}
		if m, _, _ := r.Get(ctx, a); m.Status != domain.Failed || m.Error != "broken" {
			t.Fatalf("after Fail: %+v", m)
		}
		if err := r.Begin(ctx, a, "a", domain.Processing); err != nil {
			t.Fatal(err)
		}
		if m, _, _ := r.Get(ctx, a); m.Status != domain.Processing || m.Error != "" || m.PosterKey != "poster-1" || m.DurationSeconds != 2.5 {
			t.Fatalf("after a second Begin: %+v", m)
		}
		if err := r.Begin(ctx, b, "b", domain.Ready); err != nil {
			t.Fatal(err)
		}
		many, err := r.GetMany(ctx, []int64{a, b, 999})
		if err != nil || len(many) != 2 || many[b].Status != domain.Ready || many[a].VideoID != a {
			t.Fatalf("GetMany = %+v, %v", many, err)
		}
		if none, err := r.GetMany(ctx, nil); err != nil || len(none) != 0 {
			t.Fatalf("GetMany(nil) = %v, %v", none, err)
		}
		// The row goes with its video.
		if err := db.Gorm.Exec("DELETE FROM videos WHERE id = ?", b).Error; err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := r.Get(ctx, b); ok {
			t.Fatal("media row outlived its video")
		}
	})
}
