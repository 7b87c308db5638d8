package gormrepo_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
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

func TestRepositoryHLS(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		ctx := context.Background()
		r := gormrepo.New(db)
		a, b := seedVideo(t, db, "a"), seedVideo(t, db, "b")
		for _, id := range []int64{a, b} {
			if err := r.Begin(ctx, id, "orig", domain.Processing); err != nil {
				t.Fatal(err)
			}
		}
		if m, _, err := r.Get(ctx, a); err != nil || m.Renditions != nil || m.HasHLS() {
			t.Fatalf("a new row's renditions = %+v, %v", m.Renditions, err)
		}
		renditions := []domain.Rendition{
			{Name: "360p", Width: 640, Height: 360, Bandwidth: 1_020_800, AverageBandwidth: 900_000, Codecs: "avc1.64001e,mp4a.40.2"},
			{Name: "720p", Width: 1280, Height: 720, Bandwidth: 3_220_800, AverageBandwidth: 2_900_000, Codecs: "avc1.64001f,mp4a.40.2"},
		}
		first := []domain.HLSFile{
			{Path: "master.m3u8", Key: "k-master", Size: 300},
			{Path: "360p/index.m3u8", Key: "k-index", Size: 200},
			{Path: "360p/init.mp4", Key: "k-init", Size: 1373},
			{Path: "360p/seg_00001.m4s", Key: "k-seg", Size: 685_624},
		}
		err := db.Do(ctx, func(ctx context.Context) error {
			if err := r.Save(ctx, domain.Media{VideoID: a, Status: domain.Ready, Renditions: renditions}); err != nil {
				return err
			}
			old, err := r.ReplaceHLSFiles(ctx, a, first)
			if len(old) != 0 {
				t.Errorf("first replacement returned %v", old)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		m, _, err := r.Get(ctx, a)
		if err != nil || !reflect.DeepEqual(m.Renditions, renditions) {
			t.Fatalf("renditions = %+v, %v", m.Renditions, err)
		}
		if many, err := r.GetMany(ctx, []int64{a, b}); err != nil || !reflect.DeepEqual(many[a].Renditions, renditions) || many[b].Renditions != nil {
			t.Fatalf("GetMany = %+v, %v", many, err)
		}
		for _, f := range first {
			if key, ok, err := r.HLSFile(ctx, a, f.Path); err != nil || !ok || key != f.Key {
				t.Fatalf("HLSFile(%s) = %q, %v, %v", f.Path, key, ok, err)
			}
		}
		for _, p := range []string{"720p/index.m3u8", "MASTER.M3U8", "master.m3u8 ", "%"} {
			if key, ok, err := r.HLSFile(ctx, a, p); ok || err != nil || key != "" {
				t.Fatalf("HLSFile(%q) = %q, %v, %v", p, key, ok, err)
			}
		}
		if _, ok, _ := r.HLSFile(ctx, b, "master.m3u8"); ok {
			t.Fatal("another video's file found")
		}
		// Beginning again keeps the renditions and the files until they are replaced.
		if err := r.Begin(ctx, a, "orig", domain.Processing); err != nil {
			t.Fatal(err)
		}
		if m, _, _ := r.Get(ctx, a); !reflect.DeepEqual(m.Renditions, renditions) {
			t.Fatalf("renditions after Begin = %+v", m.Renditions)
		}
		// Replacing returns the old set and keeps only the new one, including a file
		// of the same path.
		second := []domain.HLSFile{{Path: "master.m3u8", Key: "k2-master", Size: 310}, {Path: "240p/index.m3u8", Key: "k2-index", Size: 190}}
		old, err := r.ReplaceHLSFiles(ctx, a, second)
		if err != nil {
			t.Fatal(err)
		}
		if byPath(old)["360p/init.mp4"] != (domain.HLSFile{Path: "360p/init.mp4", Key: "k-init", Size: 1373}) || len(old) != len(first) {
			t.Fatalf("old files = %+v", old)
		}
		if key, _, _ := r.HLSFile(ctx, a, "master.m3u8"); key != "k2-master" {
			t.Fatalf("master after replacing = %q", key)
		}
		if _, ok, _ := r.HLSFile(ctx, a, "360p/init.mp4"); ok {
			t.Fatal("a replaced file is still found")
		}
		// Saving without renditions clears them; replacing with nothing clears the files.
		if err := r.Save(ctx, domain.Media{VideoID: a, Status: domain.Ready}); err != nil {
			t.Fatal(err)
		}
		if m, _, _ := r.Get(ctx, a); m.Renditions != nil {
			t.Fatalf("renditions after saving none = %+v", m.Renditions)
		}
		if old, err := r.ReplaceHLSFiles(ctx, a, nil); err != nil || !reflect.DeepEqual(byPath(old), byPath(second)) {
			t.Fatalf("clearing returned %+v, %v", old, err)
		}
		if _, ok, _ := r.HLSFile(ctx, a, "master.m3u8"); ok {
			t.Fatal("a cleared file is still found")
		}
		// Many files go in batches.
		many := make([]domain.HLSFile, 1234)
		for i := range many {
			many[i] = domain.HLSFile{Path: fmt.Sprintf("1080p/seg_%05d.m4s", i+1), Key: fmt.Sprintf("k-%d", i), Size: int64(i)}
		}
		if _, err := r.ReplaceHLSFiles(ctx, b, many); err != nil {
			t.Fatal(err)
		}
		if key, ok, _ := r.HLSFile(ctx, b, "1080p/seg_01234.m4s"); !ok || key != "k-1233" {
			t.Fatalf("the last of many files = %q, %v", key, ok)
		}
		// A failed transaction leaves the earlier files.
		errStop := errors.New("stop")
		err = db.Do(ctx, func(ctx context.Context) error {
			if _, err := r.ReplaceHLSFiles(ctx, b, second); err != nil {
				return err
			}
			return errStop
		})
		if !errors.Is(err, errStop) {
			t.Fatal(err)
		}
		if _, ok, _ := r.HLSFile(ctx, b, "1080p/seg_00001.m4s"); !ok {
			t.Fatal("a rolled back replacement removed the files")
		}
		// The files go with their video; a video that is gone takes no files.
		if err := db.Gorm.Exec("DELETE FROM videos WHERE id = ?", b).Error; err != nil {
			t.Fatal(err)
		}
		var n int64
		if err := db.Gorm.Raw("SELECT COUNT(*) FROM media_hls_files WHERE video_id = ?", b).Scan(&n).Error; err != nil || n != 0 {
			t.Fatalf("%d HLS rows outlived their video (%v)", n, err)
		}
		if _, err := r.ReplaceHLSFiles(ctx, b, second); err == nil {
			t.Fatal("files recorded for a deleted video")
		}
	})
}

// A renditions column that is not JSON is an error, not empty renditions.
func TestRepositoryRefusesGarbledRenditions(t *testing.T) {
	db := dbtest.SQLite(t)
	ctx := context.Background()
	r := gormrepo.New(db)
	a := seedVideo(t, db, "a")
	if err := r.Begin(ctx, a, "orig", domain.Ready); err != nil {
		t.Fatal(err)
	}
	if err := db.Gorm.Exec("UPDATE media SET renditions = '{' WHERE video_id = ?", a).Error; err != nil {
		t.Fatal(err)
	}
	if _, _, err := r.Get(ctx, a); err == nil {
		t.Fatal("Get read garbled renditions")
	}
	if _, err := r.GetMany(ctx, []int64{a}); err == nil {
		t.Fatal("GetMany read garbled renditions")
	}
}

func byPath(files []domain.HLSFile) map[string]domain.HLSFile {
	out := map[string]domain.HLSFile{}
	for _, f := range files {
		out[f.Path] = f
	}
	return out
}
