package httpapi_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"vms/modules/video/adapters/gormrepo"
	"vms/modules/video/adapters/httpapi"
	"vms/modules/video/domain"
	"vms/modules/video/fake"
	"vms/modules/video/ports"
	"vms/modules/video/service"
	"vms/platform/clock"
	"vms/platform/config"
	"vms/platform/database/dbtest"
	"vms/platform/events"
	"vms/platform/events/eventstest"
	"vms/platform/httpserver"
	"vms/platform/httpserver/httptestkit"
	"vms/platform/principal"
)

// fileStorage opens objects as files of a folder, so streams can use sendfile.
type fileStorage struct {
	*fake.Storage
	dir string
}

func (s fileStorage) Open(_ context.Context, key string) (io.ReadSeekCloser, error) {
	return os.Open(filepath.Join(s.dir, key))
}

var _ ports.Storage = fileStorage{}

// BenchmarkStreamRange streams 1 MiB ranges of a 64 MiB file through a real listener.
func BenchmarkStreamRange(b *testing.B) {
	gin.SetMode(gin.TestMode)
	const size, chunk = 64 << 20, 1 << 20
	dir := b.TempDir()
	f, err := os.Create(filepath.Join(dir, "big"))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.CopyN(f, rand.Reader, size); err != nil {
		b.Fatal(err)
	}
	_ = f.Close()
	videos := fake.NewVideos()
	v, _ := videos.Create(context.Background(), domain.Video{Name: "big", CorporationID: 100, SourceKind: domain.SourceUpload, StorageKey: "big", ContentType: "video/mp4", SizeBytes: size, SHA256: "abc"})
	svc := service.New(service.Deps{
		Videos: videos, ViewLogs: fake.NewViewLogs(), Storage: fileStorage{fake.NewStorage(), dir}, Sources: fake.NewSources(),
		Plans: fake.NewPlans(), Users: fake.Users{}, Tokens: fake.Tokens{}, UoW: &fake.UnitOfWork{}, Publisher: &eventstest.Recorder{}, Clock: clock.System{},
	}, service.Settings{PointsPerView: 10, MaxUploadBytes: 1 << 20})
	engine := gin.New()
	httpapi.New(svc, httpserver.NewGuard(callers()), httpserver.NewCORS(config.Config{})).Register(engine)
	srv := httptest.NewServer(engine)
	defer srv.Close()
	client := srv.Client()
	url := srv.URL + "/v1/videos/stream/" + id(v)
	b.SetBytes(chunk)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		start := int64(i%(size/chunk)) * chunk
		req, _ := http.NewRequest(http.MethodGet, url, nil)
		req.Header.Set("Authorization", "Bearer "+guestA)
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", start, start+chunk-1))
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, res.Body)
		_ = res.Body.Close()
		if res.StatusCode != 206 || n != chunk {
			b.Fatalf("status %d, %d bytes", res.StatusCode, n)
		}
	}
}

// BenchmarkRepeatView measures POST /v1/view-logs for an already viewed video on SQLite:
// the fast path, one indexed read and no transaction.
func BenchmarkRepeatView(b *testing.B) {
	gin.SetMode(gin.TestMode)
	db := dbtest.SQLite(b)
	corp := dbtest.SeedCorporation(b, db, "Acme", "FREE")
	user := dbtest.SeedUser(b, db, corp, "b@example.com", "guest")
	repo := gormrepo.NewVideos(db)
	v, err := repo.Create(context.Background(), domain.Video{Name: "v", CorporationID: corp, SourceKind: domain.SourceUpload, StorageKey: "k"})
	if err != nil {
		b.Fatal(err)
	}
	svc := service.New(service.Deps{
		Videos: repo, ViewLogs: gormrepo.NewViewLogs(db), Storage: fake.NewStorage(), Sources: fake.NewSources(),
		Plans: fake.NewPlans(), Users: fake.Users{}, Tokens: fake.Tokens{}, UoW: db, Publisher: events.NewBus(nil), Clock: clock.System{},
	}, service.Settings{PointsPerView: 10, MaxUploadBytes: 1 << 20})
	token := "guest"
	tokens := httptestkit.Tokens{token: {UserID: user, CorporationID: corp, Role: principal.RoleGuest}}
	engine := gin.New()
	httpapi.New(svc, httpserver.NewGuard(tokens), httpserver.NewCORS(config.Config{})).Register(engine)
	body := `{"video_id":` + id(v) + `}`
	post := func() int {
		req := httptest.NewRequest(http.MethodPost, "/v1/view-logs", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		rec := httptest.NewRecorder()
		engine.ServeHTTP(rec, req)
		return rec.Code
	}
	if code := post(); code != 201 {
		b.Fatalf("first view %d", code)
	}
	start := time.Now()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if code := post(); code != 200 {
				b.Errorf("repeat view %d", code)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

// BenchmarkStreamSmallRanges streams 1 KiB ranges to a repeat viewer with the videos and
// view logs on SQLite: the per-request cost that caps a player's request rate. With the
// live-video cache and the viewed-pairs memory a repeat request reads no table at all;
// "uncached" shows the cost without the live-video cache.
func BenchmarkStreamSmallRanges(b *testing.B) {
	for _, bc := range []struct {
		name string
		live *service.LiveCache
	}{{"cached", service.NewLiveCache(clock.System{}, service.DefaultLiveTTL, 1000)}, {"uncached", nil}} {
		b.Run(bc.name, func(b *testing.B) {
			gin.SetMode(gin.TestMode)
			db := dbtest.SQLite(b)
			corp := dbtest.SeedCorporation(b, db, "Acme", "FREE")
			user := dbtest.SeedUser(b, db, corp, "b@example.com", "guest")
			dir := b.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "small"), make([]byte, 1<<20), 0o600); err != nil {
				b.Fatal(err)
			}
			repo := gormrepo.NewVideos(db)
			v, err := repo.Create(context.Background(), domain.Video{Name: "v", CorporationID: corp, SourceKind: domain.SourceUpload, StorageKey: "small", ContentType: "video/mp4", SizeBytes: 1 << 20, SHA256: "abc"})
			if err != nil {
				b.Fatal(err)
			}
			svc := service.New(service.Deps{
				Videos: repo, ViewLogs: gormrepo.NewViewLogs(db), Storage: fileStorage{fake.NewStorage(), dir}, Sources: fake.NewSources(),
				Plans: fake.NewPlans(), Users: fake.Users{}, Tokens: fake.Tokens{}, UoW: db, Publisher: events.NewBus(nil), Clock: clock.System{},
				Live: bc.live,
			}, service.Settings{PointsPerView: 10, MaxUploadBytes: 1 << 20})
			token := "guest"
			tokens := httptestkit.Tokens{token: {UserID: user, CorporationID: corp, Role: principal.RoleGuest}}
			engine := gin.New()
			httpapi.New(svc, httpserver.NewGuard(tokens), httpserver.NewCORS(config.Config{})).Register(engine)
			get := func() int {
				req := httptest.NewRequest(http.MethodGet, "/v1/videos/stream/"+id(v), nil)
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Range", "bytes=1024-2047")
				rec := httptest.NewRecorder()
				engine.ServeHTTP(rec, req)
				return rec.Code
			}
			if code := get(); code != 206 {
				b.Fatalf("first view %d", code)
			}
			b.SetBytes(1024)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if code := get(); code != 206 {
						b.Errorf("repeat view %d", code)
						return
					}
				}
			})
		})
	}
}
