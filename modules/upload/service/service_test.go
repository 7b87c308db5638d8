package service_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"vms/modules/upload/domain"
	"vms/modules/upload/ports"
	"vms/modules/upload/service"
	"vms/platform/clock"
	"vms/platform/kind"
	"vms/platform/principal"
)

type fakeUploads struct{ rows map[string]domain.Upload }

func (f *fakeUploads) Create(_ context.Context, u domain.Upload) error { f.rows[u.ID] = u; return nil }
func (f *fakeUploads) Get(_ context.Context, id string) (domain.Upload, error) {
	u, ok := f.rows[id]
	if !ok {
		return domain.Upload{}, domain.ErrNotFound
	}
	return u, nil
}
func (f *fakeUploads) SetVideo(_ context.Context, id string, v int64) error {
	u := f.rows[id]
	u.VideoID = v
	f.rows[id] = u
	return nil
}
func (f *fakeUploads) Delete(_ context.Context, id string) error { delete(f.rows, id); return nil }
func (f *fakeUploads) Expired(_ context.Context, now time.Time, limit int) ([]domain.Upload, error) {
	var out []domain.Upload
	for _, u := range f.rows {
		if u.Expired(now) && len(out) < limit {
			out = append(out, u)
		}
	}
	return out, nil
}

type fakeParts struct{ removed []string }

func (f *fakeParts) Remove(_ context.Context, id string) error {
	f.removed = append(f.removed, id)
	return nil
}

type fakeVideos struct {
	err     error
	next    int64
	paths   []string
	objects []ports.StoredObject
}

func (f *fakeVideos) Register(ctx context.Context, _ principal.Principal, _, _, path string, also func(context.Context, int64) error) (int64, error) {
	f.paths = append(f.paths, path)
	return f.register(ctx, also)
}

func (f *fakeVideos) RegisterObject(ctx context.Context, _ principal.Principal, _, _ string, obj ports.StoredObject, also func(context.Context, int64) error) (int64, error) {
	f.objects = append(f.objects, obj)
	return f.register(ctx, also)
}

func (f *fakeVideos) register(ctx context.Context, also func(context.Context, int64) error) (int64, error) {
	if f.err != nil {
		return 0, f.err
	}
	f.next++
	return f.next, also(ctx, f.next)
}

type fixture struct {
	svc    *service.Service
	rows   *fakeUploads
	parts  *fakeParts
	videos *fakeVideos
	clock  *clock.Fake
}

func newFixture() fixture {
	f := fixture{rows: &fakeUploads{rows: map[string]domain.Upload{}}, parts: &fakeParts{}, videos: &fakeVideos{},
		clock: clock.NewFake(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))}
	f.svc = service.New(service.Deps{Uploads: f.rows, Parts: f.parts, Videos: f.videos, Clock: f.clock},
		service.Settings{MaxUploadBytes: 1000, Expiry: time.Hour})
	return f
}

var (
	admin = principal.Principal{UserID: 1, CorporationID: 7, Role: principal.RoleAdmin}
	guest = principal.Principal{UserID: 2, CorporationID: 7, Role: principal.RoleGuest}
	rival = principal.Principal{UserID: 3, CorporationID: 8, Role: principal.RoleAdmin}
)

func TestCreateRules(t *testing.T) {
	f := newFixture()
	for _, tc := range []struct {
		name     string
		who      principal.Principal
		length   int64
		deferred bool
		meta     [2]string
		want     kind.Kind
	}{
		{"guest", guest, 10, false, [2]string{"a", ""}, kind.Forbidden},
		{"too large", admin, 1001, false, [2]string{"a", ""}, kind.TooLarge},
		{"deferred", admin, 0, true, [2]string{"a", ""}, kind.BadRequest},
		{"no name", admin, 10, false, [2]string{"  ", ""}, kind.Invalid},
		{"bad visibility", admin, 10, false, [2]string{"a", "secret"}, kind.Invalid},
	} {
		if _, err := f.svc.Create(context.Background(), tc.who, tc.length, tc.deferred, tc.meta[0], tc.meta[1]); kind.Of(err) != tc.want {
			t.Errorf("%s: err %v, want kind %v", tc.name, err, tc.want)
		}
	}
	u, err := f.svc.Create(context.Background(), admin, 1000, false, " clip ", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(u.ID) != 32 || u.Name != "clip" || u.Visibility != "private" || u.CorporationID != 7 || !u.ExpiresAt.Equal(f.clock.Now().Add(time.Hour)) {
		t.Fatalf("created %+v", u)
	}
	again, _ := f.svc.Create(context.Background(), admin, 1, false, "b", "public")
	if again.ID == u.ID {
		t.Fatal("two uploads share an id")
	}
	if u.UserID != 1 || u.KeyID != 0 {
		t.Fatalf("a user's upload names user %d, key %d", u.UserID, u.KeyID)
	}
	// An API key (the route requires videos:write of it) uploads for its corporation.
	key := principal.Principal{Kind: principal.KindAPIKey, KeyID: 5, CorporationID: 7, Scopes: principal.ScopesOf(principal.VideosWrite)}
	byKey, err := f.svc.Create(context.Background(), key, 10, false, "ci", "")
	if err != nil || byKey.KeyID != 5 || byKey.UserID != 0 || byKey.CorporationID != 7 {
		t.Fatalf("created by a key: %+v, %v", byKey, err)
	}
	if _, err := f.svc.Find(context.Background(), key, u.ID); err != nil {
		t.Fatalf("the key finds its corporation's upload: %v", err)
	}
}

func TestFindHidesForeignAndExpiredUploads(t *testing.T) {
	f := newFixture()
	u, _ := f.svc.Create(context.Background(), admin, 10, false, "a", "")
	if _, err := f.svc.Find(context.Background(), admin, u.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Find(context.Background(), rival, u.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("rival: %v", err)
	}
	if _, err := f.svc.Find(context.Background(), guest, u.ID); !errors.Is(err, domain.ErrAdminOnly) {
		t.Fatalf("guest: %v", err)
	}
	if _, err := f.svc.Find(context.Background(), admin, "../../etc/passwd"); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("bad id: %v", err)
	}
	f.clock.Advance(time.Hour)
	if _, err := f.svc.Find(context.Background(), admin, u.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("expired: %v", err)
	}
}

func TestFinishRecordsTheVideoAndRemovesParts(t *testing.T) {
	f := newFixture()
	u, _ := f.svc.Create(context.Background(), admin, 10, false, "a", "")
	id, err := f.svc.Finish(context.Background(), admin, u.ID, ports.FinishedFile{Path: "/parts/" + u.ID})
	if err != nil || id != 1 || f.rows.rows[u.ID].VideoID != 1 || len(f.parts.removed) != 1 {
		t.Fatalf("finish: id %d err %v row %+v removed %v", id, err, f.rows.rows[u.ID], f.parts.removed)
	}
	if len(f.videos.paths) != 1 || f.videos.paths[0] != "/parts/"+u.ID || len(f.videos.objects) != 0 {
		t.Fatalf("registered paths %v, objects %v", f.videos.paths, f.videos.objects)
	}
	// A finished upload never expires and finishing again names the same video.
	f.clock.Advance(2 * time.Hour)
	if again, err := f.svc.Finish(context.Background(), admin, u.ID, ports.FinishedFile{}); err != nil || again != 1 {
		t.Fatalf("again: %d %v", again, err)
	}
	if n, _ := f.svc.PurgeExpired(context.Background()); n != 0 {
		t.Fatalf("purged %d finished uploads", n)
	}
}

// Parts kept in S3 finish as an object of the video storage, registered where it is.
func TestFinishRegistersAStoredObjectInPlace(t *testing.T) {
	f := newFixture()
	u, _ := f.svc.Create(context.Background(), admin, 10, false, "a", "")
	obj := ports.StoredObject{Key: "videos/" + u.ID + ".bin", Size: 10, SHA256: "ab"}
	id, err := f.svc.Finish(context.Background(), admin, u.ID, ports.FinishedFile{Object: obj})
	if err != nil || id != 1 || f.rows.rows[u.ID].VideoID != 1 || len(f.parts.removed) != 1 {
		t.Fatalf("finish: id %d err %v row %+v removed %v", id, err, f.rows.rows[u.ID], f.parts.removed)
	}
	if len(f.videos.objects) != 1 || f.videos.objects[0] != obj || len(f.videos.paths) != 0 {
		t.Fatalf("registered objects %v, paths %v", f.videos.objects, f.videos.paths)
	}
}

func TestFinishDeletesANonVideo(t *testing.T) {
	f := newFixture()
	f.videos.err = kind.New(kind.UnsupportedMedia, "not a video")
	u, _ := f.svc.Create(context.Background(), admin, 10, false, "a", "")
	if _, err := f.svc.Finish(context.Background(), admin, u.ID, ports.FinishedFile{Path: "p"}); kind.Of(err) != kind.UnsupportedMedia {
		t.Fatalf("err %v", err)
	}
	if _, ok := f.rows.rows[u.ID]; ok || len(f.parts.removed) != 1 {
		t.Fatalf("row kept %v, parts removed %v", ok, f.parts.removed)
	}
}

func TestPurgeExpired(t *testing.T) {
	f := newFixture()
	old, _ := f.svc.Create(context.Background(), admin, 10, false, "old", "")
	f.clock.Advance(30 * time.Minute)
	fresh, _ := f.svc.Create(context.Background(), admin, 10, false, "fresh", "")
	f.clock.Advance(30 * time.Minute)
	n, err := f.svc.PurgeExpired(context.Background())
	if err != nil || n != 1 || len(f.parts.removed) != 1 || f.parts.removed[0] != old.ID {
		t.Fatalf("purged %d err %v removed %v", n, err, f.parts.removed)
	}
	if _, ok := f.rows.rows[fresh.ID]; !ok {
		t.Fatal("fresh upload purged")
	}
}
