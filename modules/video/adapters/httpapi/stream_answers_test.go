package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

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
)

const liveTag = `"d9841c0318294df019521058483a10f7ce52e7eccd4ea26dec10605508b90ec1"`

func TestStreamUnsatisfiableRangeIsAProblem(t *testing.T) {
	e := newEnv(t)
	for _, rng := range []string{"bytes=999999-", "bytes=-0", "bytes=abc"} {
		rec := e.do(http.MethodGet, "/v1/videos/stream/"+id(e.live), guestA, nil, "Range: "+rng)
		var p struct {
			Status int    `json:"status"`
			Title  string `json:"title"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != 416 {
			t.Fatalf("%s: body %q (%v)", rng, rec.Body, err)
		}
		h := rec.Header()
		if rec.Code != 416 || h.Get("Content-Type") != "application/problem+json" || h.Get("Content-Range") != "bytes */88925" || h.Get("Accept-Ranges") != "bytes" {
			t.Fatalf("%s: %d %v", rng, rec.Code, h)
		}
		if h.Get("ETag") != "" || h.Get("Last-Modified") != "" || h.Get("Content-Length") == "88925" {
			t.Fatalf("%s: entity headers on a problem: %v", rng, h)
		}
	}
	if e.views.Len() != 0 {
		t.Fatalf("416 recorded %d views", e.views.Len())
	}
}

func TestStreamHeaders(t *testing.T) {
	e := newEnv(t)
	path := "/v1/videos/stream/" + id(e.live)
	full := e.do(http.MethodGet, path, guestA, nil)
	h := full.Header()
	for name, want := range map[string]string{
		"Accept-Ranges": "bytes", "X-Content-Type-Options": "nosniff", "ETag": liveTag,
		"Cache-Control": "private, no-cache", "Content-Type": "video/mp4", "Content-Length": "88925", "Content-Encoding": "",
	} {
		if got := h.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	lm := h.Get("Last-Modified")
	if _, err := http.ParseTime(lm); err != nil {
		t.Fatalf("Last-Modified %q", lm)
	}
	for _, tc := range []struct {
		header string
		status int
	}{
		{"If-Modified-Since: " + lm, 304},
		{"If-None-Match: " + liveTag, 304},
		{`If-None-Match: "other"`, 200},
	} {
		rec := e.do(http.MethodGet, path, guestA, nil, tc.header)
		if rec.Code != tc.status {
			t.Fatalf("%s: %d, want %d", tc.header, rec.Code, tc.status)
		}
		if tc.status == 304 && (rec.Body.Len() != 0 || rec.Header().Get("ETag") != liveTag || rec.Header().Get("Content-Type") != "" || rec.Header().Get("Cache-Control") != "private, no-cache") {
			t.Fatalf("%s: 304 with %d bytes, headers %v", tc.header, rec.Body.Len(), rec.Header())
		}
	}
	stale := e.do(http.MethodGet, path, guestA, nil, "Range: bytes=0-9", `If-Range: "stale"`)
	if stale.Code != 200 || stale.Body.Len() != 88925 {
		t.Fatalf("stale If-Range: %d, %d bytes", stale.Code, stale.Body.Len())
	}
	fresh := e.do(http.MethodGet, path, guestA, nil, "Range: bytes=0-9", "If-Range: "+lm)
	if fresh.Code != 206 || fresh.Body.Len() != 10 {
		t.Fatalf("If-Range date: %d, %d bytes", fresh.Code, fresh.Body.Len())
	}
}

func TestStreamPreconditionFailedIsAProblem(t *testing.T) {
	e := newEnv(t)
	rec := e.do(http.MethodGet, "/v1/videos/stream/"+id(e.live), guestA, nil, `If-Match: "other"`)
	if rec.Code != 412 || rec.Header().Get("Content-Type") != "application/problem+json" || bytes.Contains(rec.Body.Bytes(), e.data[4:12]) {
		t.Fatalf("If-Match other: %d %v", rec.Code, rec.Header())
	}
	if e.views.Len() != 0 {
		t.Fatalf("412 recorded %d views", e.views.Len())
	}
	if rec := e.do(http.MethodGet, "/v1/videos/stream/"+id(e.live), guestA, nil, "If-Match: "+liveTag, "Range: bytes=0-0"); rec.Code != 206 {
		t.Fatalf("If-Match current: %d", rec.Code)
	}
}

func TestStreamMultipleRanges(t *testing.T) {
	e := newEnv(t)
	rec := e.do(http.MethodGet, "/v1/videos/stream/"+id(e.live), guestA, nil, "Range: bytes=0-9,-10")
	mt, params, err := mime.ParseMediaType(rec.Header().Get("Content-Type"))
	if rec.Code != 206 || err != nil || mt != "multipart/byteranges" || rec.Header().Get("Content-Length") != itoa(rec.Body.Len()) {
		t.Fatalf("%d %v", rec.Code, rec.Header())
	}
	mr := multipart.NewReader(rec.Body, params["boundary"])
	for _, want := range []struct {
		cr   string
		body []byte
	}{{"bytes 0-9/88925", e.data[:10]}, {"bytes 88915-88924/88925", e.data[88915:]}} {
		p, err := mr.NextPart()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p)
		if p.Header.Get("Content-Range") != want.cr || p.Header.Get("Content-Type") != "video/mp4" || !bytes.Equal(b, want.body) {
			t.Fatalf("part %v, %d bytes", p.Header, len(b))
		}
	}
	if _, err := mr.NextPart(); err != io.EOF {
		t.Fatalf("extra part: %v", err)
	}
}

func TestStreamSourcePassesNotModifiedAndUnsatisfiable(t *testing.T) {
	for _, status := range []int{304, 416} {
		e := newEnv(t)
		e.sources.Status = status
		rec := e.do(http.MethodGet, "/v1/videos/stream/"+id(e.remote), guestA, nil)
		if rec.Code != status || e.views.Len() != 0 {
			t.Fatalf("source %d: %d, views %d", status, rec.Code, e.views.Len())
		}
		if status == 416 && (rec.Header().Get("Content-Type") != "application/octet-stream" || rec.Header().Get("X-Content-Type-Options") != "nosniff") {
			t.Fatalf("source 416 headers %v", rec.Header())
		}
	}
	e := newEnv(t)
	e.sources.Status = 500
	rec := e.do(http.MethodGet, "/v1/videos/stream/"+id(e.remote), guestA, nil)
	if rec.Code != 502 || rec.Header().Get("Content-Type") != "application/problem+json" || !bytes.Contains(rec.Body.Bytes(), []byte("answered 500")) {
		t.Fatalf("source 500: %d %v %s", rec.Code, rec.Header(), rec.Body)
	}
	head := e.do(http.MethodHead, "/v1/videos/stream/"+id(e.live), guestA, nil)
	if head.Code != 200 || e.views.Len() != 0 {
		t.Fatalf("HEAD: %d, views %d", head.Code, e.views.Len())
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// unseekable is an object whose reads work but whose seeks fail.
type unseekable struct{ io.ReadSeekCloser }

func (unseekable) Seek(int64, int) (int64, error) { return 0, errors.New("seek failed") }

type unseekableStorage struct{ *fake.Storage }

func (s unseekableStorage) Open(ctx context.Context, key string) (io.ReadSeekCloser, error) {
	f, err := s.Storage.Open(ctx, key)
	return unseekable{f}, err
}

func TestStreamContentThatCannotSeekIsAProblem(t *testing.T) {
	gin.SetMode(gin.TestMode)
	storage := fake.NewStorage()
	storage.Add("k", make([]byte, 100))
	videos := fake.NewVideos()
	v, _ := videos.Create(context.Background(), domain.Video{Name: "v", CorporationID: 100, SourceKind: domain.SourceUpload, StorageKey: "k", ContentType: "video/mp4", SizeBytes: 100, SHA256: "abc"})
	svc := service.New(service.Deps{
		Videos: videos, ViewLogs: fake.NewViewLogs(), Storage: unseekableStorage{storage}, Sources: fake.NewSources(),
		Plans: fake.NewPlans(), Users: fake.Users{}, Tokens: fake.Tokens{}, UoW: &fake.UnitOfWork{}, Publisher: &eventstest.Recorder{}, Clock: clock.System{},
	}, service.Settings{PointsPerView: 10, MaxUploadBytes: 1 << 20})
	engine := httptestkit.Engine(t, httpapi.New(svc, httpserver.NewGuard(callers()), httpserver.NewCORS(config.Config{})))
	req := httptest.NewRequest(http.MethodGet, "/v1/videos/stream/"+id(v), nil)
	req.Header.Set("Authorization", "Bearer "+guestA)
	req.Header.Set("Range", "bytes=10-19")
	rec := httptest.NewRecorder()
	engine.ServeHTTP(rec, req)
	if rec.Code != 500 || rec.Header().Get("Content-Type") != "application/problem+json" || rec.Header().Get("Content-Range") != "" ||
		rec.Header().Get("Content-Length") == "10" {
		t.Fatalf("%d %v", rec.Code, rec.Header())
	}
}
