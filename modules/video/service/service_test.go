package service_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"vms/modules/video/domain"
	"vms/modules/video/fake"
	"vms/modules/video/service"
	"vms/platform/principal"
)

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

var (
	adminA = principal.Principal{UserID: 1, CorporationID: 100, Role: principal.RoleAdmin}
	guestA = principal.Principal{UserID: 2, CorporationID: 100, Role: principal.RoleGuest}
	adminB = principal.Principal{UserID: 3, CorporationID: 200, Role: principal.RoleAdmin}
)

type env struct {
	svc     *service.Service
	videos  *fake.Videos
	views   *fake.ViewLogs
	storage *fake.Storage
	sources *fake.Sources
	uow     *fake.UnitOfWork
	pub     *fake.Publisher
	live    *service.LiveCache
}

func newEnv(t *testing.T, maxUpload int64, paid ...int64) *env {
	t.Helper()
	// The live cache never expires here, so a test sees stale entries unless they are dropped.
	e := &env{videos: fake.NewVideos(), views: fake.NewViewLogs(), storage: fake.NewStorage(), sources: fake.NewSources(), uow: &fake.UnitOfWork{}, pub: &fake.Publisher{}, live: service.NewLiveCache(fake.Clock{T: t0}, time.Hour, 100)}
	e.svc = service.New(service.Deps{
		Videos: e.videos, ViewLogs: e.views, Storage: e.storage, Sources: e.sources,
		Plans: fake.NewPlans(paid...), Users: fake.Users{1: 100, 2: 100, 3: 200},
		Tokens: fake.Tokens{Now: t0}, UoW: e.uow, Publisher: e.pub, Clock: fake.Clock{T: t0}, Live: e.live,
	}, service.Settings{PointsPerView: 10, MaxUploadBytes: maxUpload})
	return e
}

func sample(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/sample.mp4")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func kind(err error) string {
	var k interface{ ErrorKind() string }
	if errors.As(err, &k) {
		return k.ErrorKind()
	}
	return ""
}

func TestUploadStoresSniffedVideo(t *testing.T) {
	e := newEnv(t, 1<<20)
	ctx := context.Background()
	data := sample(t)
	f, err := e.svc.StoreFile(ctx, adminA, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if f.ContentType != "video/mp4" || f.Size != int64(len(data)) || f.SHA256 != "d9841c0318294df019521058483a10f7ce52e7eccd4ea26dec10605508b90ec1" {
		t.Fatalf("stored %+v", f)
	}
	got, _ := e.storage.Object(f.Key)
	if !bytes.Equal(got, data) {
		t.Fatal("stored bytes differ from the upload")
	}
	v, err := e.svc.CreateUpload(ctx, adminA, " Demo ", f)
	if err != nil {
		t.Fatal(err)
	}
	if v.Name != "Demo" || v.CorporationID != 100 || v.SourceKind != domain.SourceUpload || v.StorageKey != f.Key || v.SizeBytes != int64(len(data)) {
		t.Fatalf("video %+v", v)
	}
}

func TestUploadRefusals(t *testing.T) {
	ctx := context.Background()
	t.Run("guest", func(t *testing.T) {
		e := newEnv(t, 1<<20)
		if _, err := e.svc.StoreFile(ctx, guestA, bytes.NewReader(sample(t))); !errors.Is(err, domain.ErrAdminOnly) {
			t.Fatalf("guest upload: %v", err)
		}
	})
	t.Run("text renamed mp4", func(t *testing.T) {
		e := newEnv(t, 1<<20)
		_, err := e.svc.StoreFile(ctx, adminA, strings.NewReader(strings.Repeat("just some text\n", 100)))
		if kind(err) != "unsupported_media_type" || len(e.storage.Keys()) != 0 {
			t.Fatalf("text upload: %v, keys %v", err, e.storage.Keys())
		}
	})
	t.Run("empty", func(t *testing.T) {
		e := newEnv(t, 1<<20)
		if _, err := e.svc.StoreFile(ctx, adminA, strings.NewReader("")); kind(err) != "invalid" {
			t.Fatalf("empty upload: %v", err)
		}
	})
	t.Run("too large", func(t *testing.T) {
		e := newEnv(t, 1000)
		_, err := e.svc.StoreFile(ctx, adminA, bytes.NewReader(sample(t)))
		if kind(err) != "too_large" || len(e.storage.Keys()) != 0 {
			t.Fatalf("large upload: %v, keys %v", err, e.storage.Keys())
		}
	})
	t.Run("broken body", func(t *testing.T) {
		e := newEnv(t, 1<<20)
		r := &failingReader{data: sample(t)[:2000]}
		_, err := e.svc.StoreFile(ctx, adminA, r)
		if kind(err) != "bad_request" || len(e.storage.Keys()) != 0 {
			t.Fatalf("broken upload: %v (kind %q), keys %v", err, kind(err), e.storage.Keys())
		}
	})
}

type failingReader struct {
	data []byte
	off  int
}

func (r *failingReader) Read(p []byte) (int, error) {
	if r.off >= len(r.data) {
		return 0, errors.New("connection reset")
	}
	n := copy(p, r.data[r.off:])
	r.off += n
	return n, nil
}

func TestCreateUploadFailureDeletesTheFile(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, 1<<20)
	f, err := e.svc.StoreFile(ctx, adminA, bytes.NewReader(sample(t)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.CreateUpload(ctx, adminA, "   ", f); kind(err) != "invalid" {
		t.Fatalf("blank name: %v", err)
	}
	if len(e.storage.Keys()) != 0 || e.videos.Count() != 0 {
		t.Fatalf("left keys %v and %d rows", e.storage.Keys(), e.videos.Count())
	}
	f, _ = e.svc.StoreFile(ctx, adminA, bytes.NewReader(sample(t)))
	e.videos.CreateErr = fake.ErrBroken
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := e.svc.CreateUpload(cctx, adminA, "ok", f); !errors.Is(err, fake.ErrBroken) {
		t.Fatalf("insert failure: %v", err)
	}
	if len(e.storage.Keys()) != 0 {
		t.Fatalf("file kept after a failed insert: %v", e.storage.Keys())
	}
}

func TestCreateFromURL(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, 1<<20)
	v, err := e.svc.CreateFromURL(ctx, adminA, "Remote", "https://media.example.com/a.mp4")
	if err != nil || v.SourceKind != domain.SourceURL || v.SourceURL != "https://media.example.com/a.mp4" || v.CorporationID != 100 {
		t.Fatalf("create: %+v %v", v, err)
	}
	for _, bad := range []string{"", "ftp://x/y", "file:///etc/passwd", "http://127.0.0.1/admin"} {
		_, err := e.svc.CreateFromURL(ctx, adminA, "x", bad)
		var ve *domain.ValidationError
		if !errors.As(err, &ve) || ve.Fields["file_path"] == "" {
			t.Fatalf("url %q: %v", bad, err)
		}
	}
	if _, err := e.svc.CreateFromURL(ctx, guestA, "x", "https://media.example.com/a.mp4"); !errors.Is(err, domain.ErrAdminOnly) {
		t.Fatalf("guest: %v", err)
	}
}

func TestUpdateDeleteRestore(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, 1<<20, 100)
	up, _ := e.videos.Create(ctx, domain.Video{Name: "up", CorporationID: 100, SourceKind: domain.SourceUpload, StorageKey: "k"})
	remote, _ := e.svc.CreateFromURL(ctx, adminA, "r", "https://media.example.com/a.mp4")
	name, src := "new", "https://media.example.com/b.mp4"
	if _, err := e.svc.Update(ctx, adminA, up.ID, domain.Changes{SourceURL: &src}); kind(err) != "invalid" {
		t.Fatalf("file_path on upload: %v", err)
	}
	if _, err := e.svc.Update(ctx, adminA, up.ID, domain.Changes{}); kind(err) != "invalid" {
		t.Fatalf("empty update: %v", err)
	}
	if v, err := e.svc.Update(ctx, adminA, remote.ID, domain.Changes{Name: &name, SourceURL: &src}); err != nil || v.Name != "new" || v.SourceURL != src {
		t.Fatalf("update: %+v %v", v, err)
	}
	if _, err := e.svc.Update(ctx, adminB, up.ID, domain.Changes{Name: &name}); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("other corporation update: %v", err)
	}
	if _, err := e.svc.Update(ctx, guestA, up.ID, domain.Changes{Name: &name}); !errors.Is(err, domain.ErrAdminOnly) {
		t.Fatalf("guest update: %v", err)
	}
	if err := e.svc.Delete(ctx, adminB, up.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("other corporation delete: %v", err)
	}
	if _, err := e.svc.Restore(ctx, adminA, up.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("restore live video: %v", err)
	}
	if err := e.svc.Delete(ctx, adminA, up.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Get(ctx, up.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("deleted video readable: %v", err)
	}
	if _, err := e.svc.Streamable(ctx, adminA, up.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("deleted video streamable: %v", err)
	}
	if _, err := e.svc.ListByCorporation(ctx, guestA, 100, true, 0, 10); !errors.Is(err, domain.ErrTrashForbidden) {
		t.Fatalf("guest trash: %v", err)
	}
	if _, err := e.svc.ListByCorporation(ctx, adminB, 100, true, 0, 10); !errors.Is(err, domain.ErrTrashForbidden) {
		t.Fatalf("other admin trash: %v", err)
	}
	trash, err := e.svc.ListByCorporation(ctx, adminA, 100, true, 0, 10)
	if err != nil || len(trash) != 1 || trash[0].ID != up.ID {
		t.Fatalf("trash %+v %v", trash, err)
	}
	if _, err := e.svc.Restore(ctx, adminB, up.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("other corporation restore: %v", err)
	}
	if v, err := e.svc.Restore(ctx, adminA, up.ID); err != nil || v.Deleted {
		t.Fatalf("paid restore: %+v %v", v, err)
	}
}

func TestRestoreNeedsPaidPlan(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, 1<<20) // nobody paid
	v, _ := e.videos.Create(ctx, domain.Video{Name: "up", CorporationID: 100, SourceKind: domain.SourceUpload, StorageKey: "k"})
	_ = e.svc.Delete(ctx, adminA, v.ID)
	if _, err := e.svc.Restore(ctx, adminA, v.ID); !errors.Is(err, domain.ErrNotPaid) {
		t.Fatalf("free restore: %v", err)
	}
	if _, err := e.videos.GetOwned(ctx, 100, v.ID, true); err != nil {
		t.Fatalf("refused restore changed the video: %v", err)
	}
}
