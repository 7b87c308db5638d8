package httpapi_test

import (
	"context"
	"io"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"vms/modules/video/adapters/httpapi"
	"vms/modules/video/domain"
	"vms/modules/video/fake"
	"vms/modules/video/service"
	"vms/platform/clock"
	"vms/platform/config"
	"vms/platform/events/eventstest"
	"vms/platform/httpserver"
	"vms/platform/httpserver/httptestkit"
	"vms/platform/principal"
)

// Callers: corporation 100 (paid) has admin 1 and guest 2; corporation 200 has admin 3.
const (
	anon   = ""
	guestA = "guest:2:100"
	adminA = "admin:1:100"
	adminB = "admin:3:200"
)

// callers are the principals behind the tokens above.
func callers() httptestkit.Tokens {
	return httptestkit.Tokens{
		guestA: {UserID: 2, CorporationID: 100, Role: principal.RoleGuest},
		adminA: {UserID: 1, CorporationID: 100, Role: principal.RoleAdmin},
		adminB: {UserID: 3, CorporationID: 200, Role: principal.RoleAdmin},
	}
}

// playbackToken is guest 2's playback token for the video.
func playbackToken(v domain.Video) string { return "play:2:100:" + id(v) }

type env struct {
	t       testing.TB
	engine  *gin.Engine
	videos  *fake.Videos
	views   *fake.ViewLogs
	storage *fake.Storage
	sources *fake.Sources
	pub     *eventstest.Recorder
	data    []byte
	// live is an uploaded live public video of corporation 100, trashed a deleted one,
	// remote a public url video of corporation 100.
	live, trashed, remote domain.Video
}

type option func(*service.Settings)

func newEnv(t testing.TB, opts ...option) *env {
	t.Helper()
	gin.SetMode(gin.TestMode)
	data, err := os.ReadFile("testdata/sample.mp4")
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, videos: fake.NewVideos(), views: fake.NewViewLogs(), storage: fake.NewStorage(), sources: fake.NewSources(), pub: &eventstest.Recorder{}, data: data}
	settings := service.Settings{PointsPerView: 10, MaxUploadBytes: 1 << 20}
	for _, o := range opts {
		o(&settings)
	}
	svc := service.New(service.Deps{
		Videos: e.videos, ViewLogs: e.views, Storage: e.storage, Sources: e.sources,
		Plans: fake.NewPlans(100), Users: fake.Users{1: 100, 2: 100, 3: 200},
		Tokens: fake.Tokens{Now: time.Now()}, UoW: &fake.UnitOfWork{}, Publisher: e.pub, Clock: clock.System{},
	}, settings)
	tokens := callers()
	e.engine = httptestkit.Engine(t, httpapi.New(svc, httpserver.NewGuard(tokens), httpserver.NewCORS(config.Config{})))

	ctx := context.Background()
	e.storage.Add("k-live", data)
	e.storage.Add("k-trash", data)
	sha := "d9841c0318294df019521058483a10f7ce52e7eccd4ea26dec10605508b90ec1"
	create := func(v domain.Video) domain.Video {
		t.Helper()
		v, err := e.videos.Create(ctx, v)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	e.live = create(domain.Video{Name: "live", CorporationID: 100, Visibility: domain.Public, SourceKind: domain.SourceUpload, StorageKey: "k-live", ContentType: "video/mp4", SizeBytes: int64(len(data)), SHA256: sha})
	e.trashed = create(domain.Video{Name: "trash", CorporationID: 100, SourceKind: domain.SourceUpload, StorageKey: "k-trash", ContentType: "video/mp4", SizeBytes: int64(len(data)), SHA256: sha})
	if err := e.videos.SoftDelete(ctx, 100, e.trashed.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	e.remote = create(domain.Video{Name: "remote", CorporationID: 100, Visibility: domain.Public, SourceKind: domain.SourceURL, SourceURL: "https://media.example.com/a.mp4"})
	e.sources.Bodies["https://media.example.com/a.mp4"] = data
	tokens[playbackToken(e.live)] = principal.Principal{UserID: 2, CorporationID: 100, Role: principal.RoleGuest, PlaybackVideoID: e.live.ID}
	return e
}

// do sends a request straight to the engine. body may be nil, a string or an io.Reader.
func (e *env) do(method, path, token string, body io.Reader, headers ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	req := httptest.NewRequest(method, path, body)
	if body != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	rec := httptest.NewRecorder()
	e.engine.ServeHTTP(rec, req)
	return rec
}

func id(v domain.Video) string { return strconv.FormatInt(v.ID, 10) }
