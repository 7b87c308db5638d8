package httpapi_test

import (
	"context"
	"io"
	"net/http"
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
	"vms/platform/events/eventstest"
	"vms/platform/httpserver"
	"vms/platform/kind"
	"vms/platform/principal"
)

// Callers: corporation 100 (paid) has admin 1 and guest 2; corporation 200 has admin 3.
const (
	anon   = ""
	guestA = "guest:2:100"
	adminA = "admin:1:100"
	adminB = "admin:3:200"
)

// fakeAuth reads "role:user:corporation" Bearer tokens and "play:user:corporation:video"
// playback tokens.
type fakeAuth struct{}

func (fakeAuth) Authenticate(r *http.Request, allowPlayback bool) (principal.Principal, error) {
	unauthorized := kind.New(kind.Unauthorized, "sign in first")
	raw, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok && allowPlayback {
		raw = r.URL.Query().Get("token")
	}
	parts := strings.Split(raw, ":")
	if len(parts) < 3 {
		return principal.Principal{}, unauthorized
	}
	user, _ := strconv.ParseInt(parts[1], 10, 64)
	corp, _ := strconv.ParseInt(parts[2], 10, 64)
	p := principal.Principal{UserID: user, CorporationID: corp, Role: parts[0]}
	if parts[0] == "play" {
		if !allowPlayback || len(parts) != 4 {
			return principal.Principal{}, unauthorized
		}
		p.Role = principal.RoleGuest
		p.PlaybackVideoID, _ = strconv.ParseInt(parts[3], 10, 64)
	}
	return p, nil
}

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
	e.engine = gin.New()
	httpapi.New(svc, httpserver.NewGuard(fakeAuth{})).Register(e.engine)

	ctx := context.Background()
	e.storage.Add("k-live", data)
	e.storage.Add("k-trash", data)
	sha := "d9841c0318294df019521058483a10f7ce52e7eccd4ea26dec10605508b90ec1"
	e.live, _ = e.videos.Create(ctx, domain.Video{Name: "live", CorporationID: 100, Visibility: domain.Public, SourceKind: domain.SourceUpload, StorageKey: "k-live", ContentType: "video/mp4", SizeBytes: int64(len(data)), SHA256: sha})
	e.trashed, _ = e.videos.Create(ctx, domain.Video{Name: "trash", CorporationID: 100, SourceKind: domain.SourceUpload, StorageKey: "k-trash", ContentType: "video/mp4", SizeBytes: int64(len(data)), SHA256: sha})
	_ = e.videos.SoftDelete(ctx, 100, e.trashed.ID, time.Now())
	e.remote, _ = e.videos.Create(ctx, domain.Video{Name: "remote", CorporationID: 100, Visibility: domain.Public, SourceKind: domain.SourceURL, SourceURL: "https://media.example.com/a.mp4"})
	e.sources.Bodies["https://media.example.com/a.mp4"] = data
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
