package service_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"vms/modules/video/domain"
	"vms/modules/video/fake"
	"vms/modules/video/ports"
	"vms/modules/video/service"
	"vms/platform/clock"
	"vms/platform/events/eventstest"
	"vms/platform/kind"
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
	pub     *eventstest.Recorder
	live    *service.LiveCache
}

func newEnv(t *testing.T, maxUpload int64, paid ...int64) *env {
	t.Helper()
	// The live cache never expires here, so a test sees stale entries unless they are dropped.
	return newEnvLive(t, service.NewLiveCache(clock.NewFake(t0), time.Hour, 100), maxUpload, paid...)
}

// newEnvLive is newEnv with the given live cache (nil for none).
func newEnvLive(t *testing.T, live *service.LiveCache, maxUpload int64, paid ...int64) *env {
	t.Helper()
	e := &env{videos: fake.NewVideos(), views: fake.NewViewLogs(), storage: fake.NewStorage(), sources: fake.NewSources(), uow: &fake.UnitOfWork{}, pub: &eventstest.Recorder{}, live: live}
	e.svc = service.New(service.Deps{
		Videos: e.videos, ViewLogs: e.views, Storage: e.storage, Sources: e.sources,
		Plans: fake.NewPlans(paid...), Users: fake.Users{1: 100, 2: 100, 3: 200},
		Tokens: fake.Tokens{Now: t0}, UoW: e.uow, Publisher: e.pub, Clock: clock.NewFake(t0), Live: e.live,
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

func TestUploadStoresSniffedVideo(t *testing.T) {
	for _, order := range []string{"name first", "file first"} {
		t.Run(order, func(t *testing.T) {
			e := newEnv(t, 1<<20)
			data := sample(t)
			name, file := fake.TextPart("name", " Demo "), fake.Part{Field: "file", Body: bytes.NewReader(data)}
			parts := fake.NewParts(name, file)
			if order == "file first" {
				parts = fake.NewParts(file, name)
			}
			v, err := e.svc.Upload(context.Background(), adminA, parts)
			if err != nil {
				t.Fatal(err)
			}
			if v.Name != "Demo" || v.CorporationID != 100 || v.SourceKind != domain.SourceUpload || v.SizeBytes != int64(len(data)) ||
				v.ContentType != "video/mp4" || v.SHA256 != "d9841c0318294df019521058483a10f7ce52e7eccd4ea26dec10605508b90ec1" {
				t.Fatalf("video %+v", v)
			}
			got, _ := e.storage.Object(v.StorageKey)
			if !bytes.Equal(got, data) {
				t.Fatal("stored bytes differ from the upload")
			}
			if ct := e.storage.ContentType(v.StorageKey); ct != "video/mp4" {
				t.Fatalf("stored with content type %q", ct)
			}
			if len(e.storage.Keys()) != 1 || e.videos.Count() != 1 {
				t.Fatalf("keys %v, rows %d", e.storage.Keys(), e.videos.Count())
			}
		})
	}
}

// The longest valid name, 200 characters of four bytes each, is read whole.
func TestUploadLongestNameInBytes(t *testing.T) {
	e := newEnv(t, 1<<20)
	name := strings.Repeat("😀", domain.MaxNameLength)
	v, err := e.svc.Upload(context.Background(), adminA, fake.NewParts(fake.TextPart("name", name), fake.Part{Field: "file", Body: bytes.NewReader(sample(t))}))
	if err != nil || v.Name != name {
		t.Fatalf("upload named with %d bytes: %q %v", len(name), v.Name, err)
	}
}

func TestUploadRefusals(t *testing.T) {
	ctx := context.Background()
	file := func(t *testing.T) fake.Part { return fake.Part{Field: "file", Body: bytes.NewReader(sample(t))} }
	tooLarge := &fakeKindError{kind: kind.TooLarge}
	for _, tc := range []struct {
		name      string
		maxUpload int64
		caller    principal.Principal
		parts     func(t *testing.T) *fake.Parts
		kind      string
		deleted   int // stored files deleted again
	}{
		{"guest", 1 << 20, guestA, func(t *testing.T) *fake.Parts { return fake.NewParts(fake.TextPart("name", "x"), file(t)) }, "forbidden", 0},
		{"text renamed mp4", 1 << 20, adminA, func(*testing.T) *fake.Parts {
			return fake.NewParts(fake.TextPart("name", "x"), fake.TextPart("file", strings.Repeat("just some text\n", 100)))
		}, "unsupported_media_type", 0},
		{"empty file", 1 << 20, adminA, func(*testing.T) *fake.Parts {
			return fake.NewParts(fake.TextPart("name", "x"), fake.TextPart("file", ""))
		}, "invalid", 0},
		{"too large", 1000, adminA, func(t *testing.T) *fake.Parts { return fake.NewParts(fake.TextPart("name", "x"), file(t)) }, "too_large", 0},
		{"broken body", 1 << 20, adminA, func(t *testing.T) *fake.Parts {
			return fake.NewParts(fake.TextPart("name", "x"), fake.Part{Field: "file", Body: &failingReader{data: sample(t)[:2000]}})
		}, "bad_request", 0},
		{"body over the request limit", 1 << 20, adminA, func(t *testing.T) *fake.Parts {
			return fake.NewParts(fake.Part{Field: "file", Body: &failingReader{data: sample(t)[:2000], err: tooLarge}})
		}, "too_large", 0},
		{"malformed body after the file", 1 << 20, adminA, func(t *testing.T) *fake.Parts {
			p := fake.NewParts(fake.TextPart("name", "x"), file(t))
			p.Err = errors.New("multipart: NextPart: bufio: buffer full")
			return p
		}, "bad_request", 1},
		{"body over the limit after the file", 1 << 20, adminA, func(t *testing.T) *fake.Parts {
			p := fake.NewParts(file(t))
			p.Err = tooLarge
			return p
		}, "too_large", 1},
		{"missing file", 1 << 20, adminA, func(*testing.T) *fake.Parts { return fake.NewParts(fake.TextPart("name", "x")) }, "invalid", 0},
		{"two files", 1 << 20, adminA, func(t *testing.T) *fake.Parts { return fake.NewParts(file(t), file(t)) }, "invalid", 1},
		{"unknown field", 1 << 20, adminA, func(t *testing.T) *fake.Parts { return fake.NewParts(file(t), fake.TextPart("owner", "1")) }, "invalid", 1},
		{"blank name after the file", 1 << 20, adminA, func(t *testing.T) *fake.Parts { return fake.NewParts(file(t), fake.TextPart("name", "  ")) }, "invalid", 1},
		{"missing name", 1 << 20, adminA, func(t *testing.T) *fake.Parts { return fake.NewParts(file(t)) }, "invalid", 1},
		{"name too long to read", 1 << 20, adminA, func(*testing.T) *fake.Parts {
			return fake.NewParts(fake.TextPart("name", strings.Repeat("a", 801)))
		}, "invalid", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.maxUpload)
			_, err := e.svc.Upload(ctx, tc.caller, tc.parts(t))
			if kind.Of(err).String() != tc.kind {
				t.Fatalf("err = %v (kind %q), want kind %q", err, kind.Of(err).String(), tc.kind)
			}
			if len(e.storage.Keys()) != 0 || e.videos.Count() != 0 || len(e.storage.Deleted) != tc.deleted {
				t.Fatalf("left keys %v and %d rows; deleted %v", e.storage.Keys(), e.videos.Count(), e.storage.Deleted)
			}
		})
	}
}

// fakeKindError is a failure with a kind, as the HTTP adapter reports a body over the
// request limit.
type fakeKindError struct{ kind kind.Kind }

func (e *fakeKindError) Error() string   { return e.kind.String() }
func (e *fakeKindError) Kind() kind.Kind { return e.kind }

type failingReader struct {
	data []byte
	off  int
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if r.off >= len(r.data) {
		if r.err != nil {
			return 0, r.err
		}
		return 0, errors.New("connection reset")
	}
	n := copy(p, r.data[r.off:])
	r.off += n
	return n, nil
}

func TestUploadInsertFailureDeletesTheFile(t *testing.T) {
	e := newEnv(t, 1<<20)
	e.videos.CreateErr = fake.ErrBroken
	ctx, cancel := context.WithCancel(context.Background())
	parts := fake.NewParts(fake.TextPart("name", "ok"), fake.Part{Field: "file", Body: bytes.NewReader(sample(t))})
	stored := &cancelAfterStore{UploadParts: parts, cancel: cancel}
	if _, err := e.svc.Upload(ctx, adminA, stored); !errors.Is(err, fake.ErrBroken) {
		t.Fatalf("insert failure: %v", err)
	}
	if len(e.storage.Keys()) != 0 || len(e.storage.Deleted) != 1 {
		t.Fatalf("file kept after a failed insert of a cancelled request: %v", e.storage.Keys())
	}
}

// cancelAfterStore cancels the request once the last part has been read, so the row is
// written (and fails) on a cancelled request.
type cancelAfterStore struct {
	domain.UploadParts
	cancel func()
}

func (c *cancelAfterStore) Next() (string, io.Reader, error) {
	f, b, err := c.UploadParts.Next()
	if errors.Is(err, io.EOF) {
		c.cancel()
	}
	return f, b, err
}

func TestCreateFromURL(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, 1<<20)
	v, err := e.svc.CreateFromURL(ctx, adminA, "Remote", "https://media.example.com/a.mp4", "")
	if err != nil || v.SourceKind != domain.SourceURL || v.SourceURL != "https://media.example.com/a.mp4" || v.CorporationID != 100 {
		t.Fatalf("create: %+v %v", v, err)
	}
	for _, bad := range []string{"", "ftp://x/y", "file:///etc/passwd", "http://127.0.0.1/admin"} {
		_, err := e.svc.CreateFromURL(ctx, adminA, "x", bad, "")
		var ve *kind.ValidationError
		if !errors.As(err, &ve) || ve.Fields["file_path"] == "" {
			t.Fatalf("url %q: %v", bad, err)
		}
	}
	if _, err := e.svc.CreateFromURL(ctx, guestA, "x", "https://media.example.com/a.mp4", ""); !errors.Is(err, domain.ErrAdminOnly) {
		t.Fatalf("guest: %v", err)
	}
}

func TestUpdateDeleteRestore(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, 1<<20, 100)
	up, _ := e.videos.Create(ctx, domain.Video{Name: "up", CorporationID: 100, SourceKind: domain.SourceUpload, StorageKey: "k"})
	remote, _ := e.svc.CreateFromURL(ctx, adminA, "r", "https://media.example.com/a.mp4", "")
	name, src := "new", "https://media.example.com/b.mp4"
	if _, err := e.svc.Update(ctx, adminA, up.ID, domain.Changes{SourceURL: &src}); kind.Of(err) != kind.Invalid {
		t.Fatalf("file_path on upload: %v", err)
	}
	if _, err := e.svc.Update(ctx, adminA, up.ID, domain.Changes{}); kind.Of(err) != kind.Invalid {
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
	if _, err := e.svc.Get(ctx, adminA, up.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("deleted video readable: %v", err)
	}
	if _, err := e.svc.OpenStream(ctx, adminA, up.ID, domain.StreamRequest{Head: true}); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("deleted video streamable: %v", err)
	}
	if _, err := e.svc.ListByCorporation(ctx, guestA, 100, true, "", 0, 10); !errors.Is(err, domain.ErrTrashForbidden) {
		t.Fatalf("guest trash: %v", err)
	}
	if _, err := e.svc.ListByCorporation(ctx, adminB, 100, true, "", 0, 10); !errors.Is(err, domain.ErrTrashForbidden) {
		t.Fatalf("other admin trash: %v", err)
	}
	trash, err := e.svc.ListByCorporation(ctx, adminA, 100, true, "", 0, 10)
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

func TestUpdateOneFieldLeavesTheOther(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, 1<<20)
	up, _ := e.videos.Create(ctx, domain.Video{Name: "up", CorporationID: 100, SourceKind: domain.SourceUpload, StorageKey: "k"})
	remote, _ := e.svc.CreateFromURL(ctx, adminA, "r", "https://media.example.com/a.mp4", "")
	name, src := "  renamed ", "https://media.example.com/b.mp4"
	if v, err := e.svc.Update(ctx, adminA, up.ID, domain.Changes{Name: &name}); err != nil || v.Name != "renamed" || v.StorageKey != "k" {
		t.Fatalf("rename upload: %+v %v", v, err)
	}
	if v, err := e.svc.Update(ctx, adminA, remote.ID, domain.Changes{SourceURL: &src}); err != nil || v.Name != "r" || v.SourceURL != src {
		t.Fatalf("move url video: %+v %v", v, err)
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

// hidingStorage fails every Put with its own error after reading the body, as a storage
// that does not wrap the reader's failure does, and every Delete when deleteErr is set.
type hidingStorage struct {
	*fake.Storage
	putErr, deleteErr error
}

func (s *hidingStorage) Put(ctx context.Context, r io.Reader, opts ports.PutOptions) (ports.StoredObject, error) {
	if s.putErr == nil {
		return s.Storage.Put(ctx, r, opts)
	}
	_, _ = io.Copy(io.Discard, r)
	return ports.StoredObject{}, s.putErr
}

func (s *hidingStorage) Delete(ctx context.Context, key string) error {
	if s.deleteErr != nil {
		return s.deleteErr
	}
	return s.Storage.Delete(ctx, key)
}

func TestUploadStorageFailures(t *testing.T) {
	full := errors.New("disk full")
	for _, tc := range []struct {
		name string
		body io.Reader
		kind kind.Kind
	}{
		{"storage failure", nil, kind.Internal},
		{"broken body hidden by the storage", &failingReader{data: sample(t)[:2000]}, kind.BadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, 1<<20)
			deps := e.svc.Deps
			deps.Storage = &hidingStorage{Storage: e.storage, putErr: full}
			svc := service.New(deps, service.Settings{PointsPerView: 10, MaxUploadBytes: 1 << 20})
			body := tc.body
			if body == nil {
				body = bytes.NewReader(sample(t))
			}
			_, err := svc.Upload(context.Background(), adminA, fake.NewParts(fake.TextPart("name", "x"), fake.Part{Field: "file", Body: body}))
			if !errors.Is(err, full) || kind.Of(err) != tc.kind || strings.Contains(err.Error(), "%!") {
				t.Fatalf("err = %v (kind %s), want %s wrapping the storage's error", err, kind.Of(err), tc.kind)
			}
		})
	}
}

// A stored file that cannot be deleted again is left behind: the operator is told which.
func TestUploadLogsAFileLeftBehind(t *testing.T) {
	var logged bytes.Buffer
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.NewTextHandler(&logged, nil)))
	for _, deleteErr := range []error{nil, errors.New("bucket gone")} {
		logged.Reset()
		e := newEnv(t, 1<<20)
		deps := e.svc.Deps
		deps.Storage = &hidingStorage{Storage: e.storage, deleteErr: deleteErr}
		svc := service.New(deps, service.Settings{PointsPerView: 10, MaxUploadBytes: 1 << 20})
		file := func() fake.Part { return fake.Part{Field: "file", Body: bytes.NewReader(sample(t))} }
		if _, err := svc.Upload(context.Background(), adminA, fake.NewParts(file(), file())); kind.Of(err) != kind.Invalid {
			t.Fatalf("two files: %v", err)
		}
		if warned := strings.Contains(logged.String(), "delete discarded upload"); warned != (deleteErr != nil) {
			t.Fatalf("delete error %v, log %q", deleteErr, logged.String())
		}
	}
}
