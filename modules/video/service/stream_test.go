package service_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"vms/modules/video/domain"
	"vms/modules/video/fake"
	"vms/modules/video/service"
	"vms/platform/kind"
	"vms/platform/principal"
)

const (
	streamSHA = "d9841c0318294df019521058483a10f7ce52e7eccd4ea26dec10605508b90ec1"
	streamTag = `"` + streamSHA + `"`
)

// streamEnv has an uploaded video (1000 bytes under key "k") and a url video of
// corporation 100.
func streamEnv(t *testing.T) (e *env, up, remote domain.Video) {
	t.Helper()
	e = newEnv(t, 1<<20)
	ctx := context.Background()
	data := make([]byte, 1000)
	e.storage.Add("k", data)
	up, _ = e.videos.Create(ctx, domain.Video{Name: "up", CorporationID: 100, SourceKind: domain.SourceUpload, StorageKey: "k", ContentType: "video/mp4", SizeBytes: 1000, SHA256: streamSHA})
	remote, _ = e.videos.Create(ctx, domain.Video{Name: "remote", CorporationID: 100, SourceKind: domain.SourceURL, SourceURL: "https://media.example.com/a.mp4"})
	e.sources.Bodies[remote.SourceURL] = data
	return e, up, remote
}

func (e *env) views0(t *testing.T) {
	t.Helper()
	if n := len(e.pub.Published()); n != 0 {
		t.Fatalf("recorded %d views, want none", n)
	}
}

func TestOpenStreamNotFound(t *testing.T) {
	e, up, remote := streamEnv(t)
	ctx := context.Background()
	deleted, _ := e.videos.Create(ctx, domain.Video{Name: "gone", CorporationID: 100, SourceKind: domain.SourceUpload, StorageKey: "k"})
	_ = e.svc.Delete(ctx, adminA, deleted.ID)
	play := principal.Principal{UserID: 2, CorporationID: 100, Role: principal.RoleGuest, PlaybackVideoID: up.ID}
	for name, tc := range map[string]struct {
		caller principal.Principal
		id     int64
	}{
		"missing": {guestA, 999}, "deleted": {guestA, deleted.ID}, "token for another video": {play, remote.ID},
	} {
		if _, err := e.svc.OpenStream(ctx, tc.caller, tc.id, domain.StreamRequest{}); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("%s: err = %v, want not found", name, err)
		}
	}
	if len(e.sources.Requests) != 0 {
		t.Errorf("a refused stream fetched its source")
	}
	e.views0(t)
	s, err := e.svc.OpenStream(ctx, play, up.ID, domain.StreamRequest{})
	if err != nil || s.Status != 200 {
		t.Fatalf("token for this video: %+v %v", s, err)
	}
	_ = s.Close()
}

func TestOpenStreamContentDecisions(t *testing.T) {
	// lm and lmEarlier stand for the video's Last-Modified and an hour before it,
	// filled in per run.
	const lm, lmEarlier = "LM", "LM-1h"
	for _, tc := range []struct {
		name    string
		req     domain.StreamRequest
		status  int
		ranges  []domain.ByteRange
		content bool
		view    bool
	}{
		{"whole", domain.StreamRequest{}, 200, nil, true, true},
		{"one range", domain.StreamRequest{Range: "bytes=10-19"}, 206, []domain.ByteRange{{First: 10, Last: 19}}, true, true},
		{"two ranges", domain.StreamRequest{Range: "bytes=0-0,-1"}, 206, []domain.ByteRange{{First: 0, Last: 0}, {First: 999, Last: 999}}, true, true},
		{"unit case-insensitive", domain.StreamRequest{Range: "BYTES=0-1"}, 206, []domain.ByteRange{{First: 0, Last: 1}}, true, true},
		{"unknown unit", domain.StreamRequest{Range: "items=0-1"}, 200, nil, true, true},
		{"head", domain.StreamRequest{Head: true}, 200, nil, false, false},
		{"head ignores range", domain.StreamRequest{Head: true, Range: "bytes=0-1"}, 200, nil, false, false},
		{"if-none-match", domain.StreamRequest{IfNoneMatch: streamTag}, 304, nil, false, false},
		{"if-none-match star", domain.StreamRequest{IfNoneMatch: "*"}, 304, nil, false, false},
		{"if-modified-since", domain.StreamRequest{IfModifiedSince: lm}, 304, nil, false, false},
		{"if-range strong", domain.StreamRequest{Range: "bytes=0-1", IfRange: streamTag}, 206, []domain.ByteRange{{First: 0, Last: 1}}, true, true},
		{"if-range date", domain.StreamRequest{Range: "bytes=0-1", IfRange: lm}, 206, []domain.ByteRange{{First: 0, Last: 1}}, true, true},
		{"if-range stale", domain.StreamRequest{Range: "bytes=0-1", IfRange: `"old"`}, 200, nil, true, true},
		{"if-match other", domain.StreamRequest{IfMatch: `"old"`}, 412, nil, false, false},
		{"if-unmodified-since older", domain.StreamRequest{IfUnmodifiedSince: lmEarlier}, 412, nil, false, false},
		{"if-modified-since older", domain.StreamRequest{IfModifiedSince: lmEarlier}, 200, nil, true, true},
		{"if-unmodified-since now", domain.StreamRequest{IfUnmodifiedSince: lm}, 200, nil, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, up, _ := streamEnv(t)
			dates := map[string]string{
				lm:        up.CreatedAt.UTC().Format(http.TimeFormat),
				lmEarlier: up.CreatedAt.Add(-time.Hour).UTC().Format(http.TimeFormat),
			}
			req := tc.req
			for _, f := range []*string{&req.IfModifiedSince, &req.IfRange, &req.IfUnmodifiedSince} {
				if d, ok := dates[*f]; ok {
					*f = d
				}
			}
			s, err := e.svc.OpenStream(context.Background(), guestA, up.ID, req)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if s.Kind != domain.StreamContent || s.Status != tc.status || len(s.Ranges) != len(tc.ranges) || (s.Content != nil) != tc.content {
				t.Fatalf("stream %+v, want status %d ranges %v content %v", s, tc.status, tc.ranges, tc.content)
			}
			for i := range tc.ranges {
				if s.Ranges[i] != tc.ranges[i] {
					t.Fatalf("ranges %v, want %v", s.Ranges, tc.ranges)
				}
			}
			if s.Size != 1000 || s.ETag != streamTag || s.ContentType != "video/mp4" {
				t.Fatalf("representation %+v", s)
			}
			if got := len(e.pub.Published()); got != map[bool]int{true: 1, false: 0}[tc.view] {
				t.Fatalf("recorded %d views, want view=%v", got, tc.view)
			}
		})
	}
}

func TestOpenStreamUnsatisfiableRange(t *testing.T) {
	e, up, _ := streamEnv(t)
	for _, rng := range []string{"bytes=-0", "bytes=1000-", "bytes=abc", "bytes=5-1"} {
		_, err := e.svc.OpenStream(context.Background(), guestA, up.ID, domain.StreamRequest{Range: rng})
		var rns *domain.RangeNotSatisfiableError
		if !errors.As(err, &rns) || rns.Size != 1000 || kind.Of(err).String() != "range_not_satisfiable" {
			t.Fatalf("%q: err = %v", rng, err)
		}
	}
	e.views0(t)
}

func TestOpenStreamRecordingFailureSendsNothing(t *testing.T) {
	e, up, remote := streamEnv(t)
	e.pub.Err = fake.ErrBroken
	for _, id := range []int64{up.ID, remote.ID} {
		if s, err := e.svc.OpenStream(context.Background(), guestA, id, domain.StreamRequest{}); !errors.Is(err, fake.ErrBroken) || s.Content != nil || s.Source.Body != nil {
			t.Fatalf("video %d: %+v, err = %v", id, s, err)
		}
	}
	if got := e.sources.Closed.Load(); got != 1 {
		t.Fatalf("source bodies closed %d, want 1", got)
	}
}

func TestOpenStreamStorageFailure(t *testing.T) {
	e, up, _ := streamEnv(t)
	_ = e.storage.Delete(context.Background(), "k")
	if _, err := e.svc.OpenStream(context.Background(), guestA, up.ID, domain.StreamRequest{}); err == nil {
		t.Fatal("a missing object opened")
	}
	e.views0(t)
}

func TestOpenStreamRedirect(t *testing.T) {
	e, up, _ := streamEnv(t)
	e.svc = service.New(e.svc.Deps, service.Settings{PointsPerView: 10, MaxUploadBytes: 1 << 20, RedirectStreams: true})
	ctx := context.Background()
	head, err := e.svc.OpenStream(ctx, guestA, up.ID, domain.StreamRequest{Head: true})
	if err != nil || head.Kind != domain.StreamContent {
		t.Fatalf("HEAD without presigning storage: %+v %v", head, err)
	}
	if s, err := e.svc.OpenStream(ctx, guestA, up.ID, domain.StreamRequest{IfNoneMatch: streamTag}); err != nil || s.Kind != domain.StreamContent || s.Status != 304 {
		t.Fatalf("storage that cannot presign: %+v %v", s, err)
	}
	e.storage.PresignBase = "https://bucket.example.com/"
	head, err = e.svc.OpenStream(ctx, guestA, up.ID, domain.StreamRequest{Head: true})
	if err != nil || head.Kind != domain.StreamContent || head.Content != nil {
		t.Fatalf("HEAD in redirect mode: %+v %v", head, err)
	}
	e.views0(t)
	e.pub.Err = fake.ErrBroken
	if s, err := e.svc.OpenStream(ctx, guestA, up.ID, domain.StreamRequest{}); !errors.Is(err, fake.ErrBroken) || s.RedirectURL != "" {
		t.Fatalf("redirect without a recorded view: %+v %v", s, err)
	}
	e.pub.Err = nil
	s, err := e.svc.OpenStream(ctx, guestA, up.ID, domain.StreamRequest{Range: "bytes=0-1"})
	if err != nil || s.Kind != domain.StreamRedirect || s.RedirectURL != "https://bucket.example.com/k" || e.views.Len() != 1 {
		t.Fatalf("redirect: %+v %v, %d views", s, err, e.views.Len())
	}
}

// ttlStorage is the fake storage, recording how long each presigned URL is asked to live.
type ttlStorage struct {
	*fake.Storage
	ttls []time.Duration
}

func (s *ttlStorage) PresignGet(ctx context.Context, key string, ttl time.Duration) (string, bool, error) {
	s.ttls = append(s.ttls, ttl)
	return s.Storage.PresignGet(ctx, key, ttl)
}

func TestOpenStreamRedirectURLLifetime(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  time.Duration
		want time.Duration
	}{
		{"default", 0, 10 * time.Minute},
		{"negative", -time.Second, 10 * time.Minute},
		{"configured", 30 * time.Second, 30 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, up, _ := streamEnv(t)
			e.storage.PresignBase = "https://bucket.example.com/"
			st := &ttlStorage{Storage: e.storage}
			deps := e.svc.Deps
			deps.Storage = st
			svc := service.New(deps, service.Settings{PointsPerView: 10, MaxUploadBytes: 1 << 20, RedirectStreams: true, PresignTTL: tc.set})
			s, err := svc.OpenStream(context.Background(), guestA, up.ID, domain.StreamRequest{})
			if err != nil || s.Kind != domain.StreamRedirect {
				t.Fatalf("redirect: %+v %v", s, err)
			}
			if len(st.ttls) != 1 || st.ttls[0] != tc.want {
				t.Fatalf("presigned for %v, want [%v]", st.ttls, tc.want)
			}
		})
	}
}

func TestOpenStreamSource(t *testing.T) {
	ctx := context.Background()
	t.Run("passes range and validators, records the view on GET", func(t *testing.T) {
		e, _, remote := streamEnv(t)
		req := domain.StreamRequest{Range: "bytes=10-19", IfRange: `"x"`, IfNoneMatch: `"y"`, IfModifiedSince: "z", IfMatch: `"m"`}
		s, err := e.svc.OpenStream(ctx, guestA, remote.ID, req)
		if err != nil || s.Kind != domain.StreamSource || s.Source.Status != 206 || s.Source.ContentRange != "bytes 10-19/1000" {
			t.Fatalf("stream %+v %v", s, err)
		}
		body, _ := io.ReadAll(s.Source.Body)
		_ = s.Close()
		if len(body) != 10 || len(e.pub.Published()) != 1 {
			t.Fatalf("%d bytes, %d views", len(body), len(e.pub.Published()))
		}
		want := domain.SourceRequest{Range: "bytes=10-19", IfRange: `"x"`, IfNoneMatch: `"y"`, IfModifiedSince: "z"}
		if got := e.sources.LastRequest(); got != want {
			t.Fatalf("source request %+v, want %+v", got, want)
		}
	})
	t.Run("HEAD records nothing", func(t *testing.T) {
		e, _, remote := streamEnv(t)
		s, err := e.svc.OpenStream(ctx, guestA, remote.ID, domain.StreamRequest{Head: true})
		if err != nil || s.Source.Status != 200 || !e.sources.LastRequest().Head {
			t.Fatalf("HEAD: %+v %v", s, err)
		}
		_ = s.Close()
		e.views0(t)
	})
	for _, status := range []int{304, 416} {
		t.Run("passes "+http.StatusText(status)+" on without a view", func(t *testing.T) {
			e, _, remote := streamEnv(t)
			e.sources.Status = status
			s, err := e.svc.OpenStream(ctx, guestA, remote.ID, domain.StreamRequest{})
			if err != nil || s.Kind != domain.StreamSource || s.Source.Status != status {
				t.Fatalf("%+v %v", s, err)
			}
			_ = s.Close()
			e.views0(t)
		})
	}
	t.Run("other statuses are a bad gateway", func(t *testing.T) {
		e, _, remote := streamEnv(t)
		for i, status := range []int{301, 302, 400, 403, 404, 500, 503} {
			e.sources.Status = status
			_, err := e.svc.OpenStream(ctx, guestA, remote.ID, domain.StreamRequest{})
			var se *domain.SourceStatusError
			if !errors.As(err, &se) || se.Status != status || kind.Of(err).String() != "bad_gateway" {
				t.Fatalf("%d: err = %v", status, err)
			}
			if got := e.sources.Closed.Load(); got != int64(i+1) {
				t.Fatalf("%d: %d bodies closed", status, got)
			}
		}
		e.views0(t)
	})
	t.Run("unreachable source", func(t *testing.T) {
		e, _, remote := streamEnv(t)
		delete(e.sources.Bodies, remote.SourceURL)
		if _, err := e.svc.OpenStream(ctx, guestA, remote.ID, domain.StreamRequest{}); kind.Of(err).String() != "bad_gateway" {
			t.Fatalf("err = %v", err)
		}
		e.views0(t)
	})
}
