package service_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"vms/modules/video/domain"
	"vms/modules/video/fake"
	"vms/modules/video/service"
	"vms/platform/clock"
	"vms/platform/principal"
)

const (
	masterM3U8 = "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=900000,AVERAGE-BANDWIDTH=800000,RESOLUTION=640x360,CODECS=\"avc1.4d401e,mp4a.40.2\"\n360p/index.m3u8\n"
	mediaM3U8  = "#EXTM3U\n#EXT-X-MAP:URI=\"init.mp4\"\n#EXTINF:6.0,\nseg_00000.m4s\n#EXTINF:2.0,\nseg_00001.m4s\n#EXT-X-ENDLIST\n"
)

// hlsEnv is a service with a video (id 1, corporation 100) that has HLS renditions.
func hlsEnv(t *testing.T) (*env, *fake.Media, int64) {
	t.Helper()
	e := newEnv(t, 1<<20)
	media := fake.NewMedia()
	e.svc = service.New(service.Deps{
		Videos: e.videos, ViewLogs: e.views, Storage: e.storage, Sources: e.sources,
		Plans: fake.NewPlans(), Users: fake.Users{1: 100, 2: 100, 3: 200},
		Tokens: fake.Tokens{Now: t0}, UoW: e.uow, Publisher: e.pub, Clock: clock.NewFake(t0), Live: e.live, Media: media,
	}, service.Settings{PointsPerView: 10, MaxUploadBytes: 1 << 20})
	v, err := e.videos.Create(context.Background(), domain.Video{Name: "v", CorporationID: 100, Visibility: domain.Private,
		SourceKind: domain.SourceUpload, StorageKey: "orig", ContentType: "video/mp4", SizeBytes: 3})
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"master.m3u8":        "k-master-abc123",
		"360p/index.m3u8":    "k-index",
		"360p/init.mp4":      "k-init",
		"360p/seg_00000.m4s": "k-seg0",
		"360p/seg_00001.m4s": "k-seg1",
	}
	body := map[string]string{"k-master-abc123": masterM3U8, "k-index": mediaM3U8, "k-init": "INIT", "k-seg0": "SEGMENT-ZERO", "k-seg1": "SEGMENT-ONE"}
	for _, key := range files {
		e.storage.Add(key, []byte(body[key]))
	}
	media.HLS[v.ID] = files
	media.Facts[v.ID] = domain.Media{Status: domain.MediaReady, DurationSeconds: 8}
	return e, media, v.ID
}

func readAll(t *testing.T, s domain.Stream) string {
	t.Helper()
	if s.Content == nil {
		return ""
	}
	defer s.Close()
	b, err := io.ReadAll(s.Content)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestHLSPlaylistsCarryVersionAndTokens(t *testing.T) {
	e, _, id := hlsEnv(t)
	ctx := context.Background()
	// A Bearer caller: child URIs get the version only.
	s, err := e.svc.OpenHLS(ctx, guestA, id, "master.m3u8", domain.StreamRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, s); !strings.Contains(got, "\n360p/index.m3u8?v=kmasterabc12\n") || strings.Contains(got, "token=") {
		t.Fatalf("master for a Bearer caller:\n%s", got)
	}
	if s.ContentType != "application/vnd.apple.mpegurl" || s.CacheControl != "private, no-cache" || s.ETag != "" || s.Status != 200 {
		t.Fatalf("playlist answer: %+v", s)
	}
	// A playback-token caller: every child URI carries a token for the same user and video.
	player := guestA
	player.PlaybackVideoID = id
	s, err = e.svc.OpenHLS(ctx, player, id, "360p/index.m3u8", domain.StreamRequest{})
	if err != nil {
		t.Fatal(err)
	}
	got := readAll(t, s)
	for _, want := range []string{`URI="init.mp4?token=hls-1-2&v=kmasterabc12"`, "\nseg_00000.m4s?token=hls-1-2&v=kmasterabc12\n", "\nseg_00001.m4s?token=hls-1-2&v=kmasterabc12\n"} {
		if !strings.Contains(got, want) {
			t.Fatalf("media playlist for a playback caller lacks %q:\n%s", want, got)
		}
	}
	if n := e.views.Len(); n != 0 {
		t.Fatalf("playlists recorded %d views", n)
	}
}

func TestHLSFirstSegmentRecordsTheViewOnce(t *testing.T) {
	e, _, id := hlsEnv(t)
	ctx := context.Background()
	init, err := e.svc.OpenHLS(ctx, guestA, id, "360p/init.mp4", domain.StreamRequest{})
	if err != nil || readAll(t, init) != "INIT" || init.CacheControl != "private, max-age=31536000, immutable" || init.ContentType != "video/mp4" {
		t.Fatalf("init: %+v, %v", init, err)
	}
	if n := e.views.Len(); n != 0 {
		t.Fatalf("the init section recorded %d views", n)
	}
	head, err := e.svc.OpenHLS(ctx, guestA, id, "360p/seg_00000.m4s", domain.StreamRequest{Head: true})
	if err != nil || head.Content != nil || head.Size != int64(len("SEGMENT-ZERO")) {
		t.Fatalf("HEAD segment: %+v, %v", head, err)
	}
	if n := e.views.Len(); n != 0 {
		t.Fatal("a HEAD of a segment recorded a view")
	}
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := e.svc.OpenHLS(ctx, guestA, id, "360p/seg_00001.m4s", domain.StreamRequest{Range: "bytes=0-6"})
			if err != nil {
				t.Error(err)
				return
			}
			if s.Status != 206 || s.ETag != `"k-seg1"` || s.ContentType != "video/iso.segment" {
				t.Errorf("segment: %+v", s)
			}
			_ = s.Close()
		}()
	}
	wg.Wait()
	if n := e.views.Len(); n != 1 {
		t.Fatalf("%d view logs after 20 segment fetches, want 1", n)
	}
	if n := len(e.pub.Published()); n != 1 {
		t.Fatalf("%d view events, want 1", n)
	}
	// A cached copy revalidates without a body.
	s, err := e.svc.OpenHLS(ctx, guestA, id, "360p/seg_00001.m4s", domain.StreamRequest{IfNoneMatch: `"k-seg1"`})
	if err != nil || s.Status != 304 || s.Content != nil {
		t.Fatalf("If-None-Match: %+v, %v", s, err)
	}
}

func TestHLSAccessRules(t *testing.T) {
	e, media, id := hlsEnv(t)
	ctx := context.Background()
	tokenForOther := guestA
	tokenForOther.PlaybackVideoID = id + 1
	for name, tc := range map[string]struct {
		who  principal.Principal
		path string
	}{
		"another corporation's private video": {adminB, "master.m3u8"},
		"anonymous":                           {principal.Principal{}, "master.m3u8"},
		"a token for another video":           {tokenForOther, "360p/seg_00000.m4s"},
		"a path trick":                        {guestA, "../master.m3u8"},
		"an unknown rendition":                {guestA, "720p/index.m3u8"},
		"another video's key as a name":       {guestA, "k-seg0"},
	} {
		if _, err := e.svc.OpenHLS(ctx, tc.who, id, tc.path, domain.StreamRequest{}); !errors.Is(err, domain.ErrNotFound) {
			t.Errorf("%s: %v, want not found", name, err)
		}
	}
	// A video without renditions (yet), and a source URL video.
	delete(media.HLS, id)
	if _, err := e.svc.OpenHLS(ctx, guestA, id, "master.m3u8", domain.StreamRequest{}); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("no renditions: %v", err)
	}
	if e.views.Len() != 0 {
		t.Fatal("a refused request recorded a view")
	}
}

func TestHLSChildTokenLivesForTheVideo(t *testing.T) {
	e, media, id := hlsEnv(t)
	player := guestA
	player.PlaybackVideoID = id
	media.Facts[id] = domain.Media{Status: domain.MediaReady, DurationSeconds: 3 * 3600}
	tokens := &recordingTokens{Tokens: fake.Tokens{Now: t0}}
	e.svc.Tokens = tokens
	if _, err := e.svc.OpenHLS(context.Background(), player, id, "master.m3u8", domain.StreamRequest{}); err != nil {
		t.Fatal(err)
	}
	if want := domain.PresignTTL(3 * time.Hour); len(tokens.ttls) != 1 || tokens.ttls[0] != want {
		t.Fatalf("child token lifetimes %v, want [%v] (duration plus margin)", tokens.ttls, want)
	}
}

type recordingTokens struct {
	fake.Tokens
	ttls []time.Duration
}

func (r *recordingTokens) IssuePlaybackFor(ctx context.Context, userID, corpID int64, role string, videoID int64, ttl time.Duration) (string, time.Time, error) {
	r.ttls = append(r.ttls, ttl)
	return r.Tokens.IssuePlaybackFor(ctx, userID, corpID, role, videoID, ttl)
}

// Segment keys are cached; when the video is processed again (on any replica) and the
// old objects are gone, the stale key is dropped and the new one found at once.
func TestHLSKeysCacheHealsAfterReprocessing(t *testing.T) {
	e, media, id := hlsEnv(t)
	e.svc.HLSKeys = service.NewHLSKeys(clock.NewFake(t0), time.Hour, 100)
	ctx := context.Background()
	get := func() string {
		t.Helper()
		s, err := e.svc.OpenHLS(ctx, guestA, id, "360p/seg_00001.m4s", domain.StreamRequest{})
		if err != nil {
			t.Fatal(err)
		}
		return readAll(t, s)
	}
	if got := get(); got != "SEGMENT-ONE" {
		t.Fatalf("first fetch %q", got)
	}
	// Looked up once, then served from the cache.
	delete(media.HLS[id], "360p/seg_00001.m4s")
	if got := get(); got != "SEGMENT-ONE" {
		t.Fatalf("cached fetch %q", got)
	}
	// Processed again elsewhere: new key, old object deleted.
	media.HLS[id]["360p/seg_00001.m4s"] = "k-seg1-new"
	e.storage.Add("k-seg1-new", []byte("NEW-SEGMENT"))
	_ = e.storage.Delete(ctx, "k-seg1")
	if got := get(); got != "NEW-SEGMENT" {
		t.Fatalf("after reprocessing %q, want the new segment", got)
	}
	// Gone for good: not found, not a stale answer.
	delete(media.HLS[id], "360p/seg_00001.m4s")
	_ = e.storage.Delete(ctx, "k-seg1-new")
	if _, err := e.svc.OpenHLS(ctx, guestA, id, "360p/seg_00001.m4s", domain.StreamRequest{}); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("after deletion: %v, want not found", err)
	}
}

// A video registered from a source URL has no HLS files, whatever the media module says.
func TestHLSOfSourceURLVideoIsNotFound(t *testing.T) {
	e, media, _ := hlsEnv(t)
	v, err := e.videos.Create(context.Background(), domain.Video{Name: "remote", CorporationID: 100, Visibility: domain.Private,
		SourceKind: domain.SourceURL, SourceURL: "https://media.example.com/a.mp4"})
	if err != nil {
		t.Fatal(err)
	}
	media.HLS[v.ID] = map[string]string{"master.m3u8": "k-master-abc123"}
	if _, err := e.svc.OpenHLS(context.Background(), guestA, v.ID, "master.m3u8", domain.StreamRequest{}); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("HLS of a source URL video: %v, want not found", err)
	}
}

// A playlist of exactly the bound is served; one byte more is refused.
func TestHLSPlaylistSizeBound(t *testing.T) {
	e, _, id := hlsEnv(t)
	ctx := context.Background()
	e.storage.Add("k-index", []byte("#EXTM3U\n"+strings.Repeat("#", domain.MaxPlaylistBytes-len("#EXTM3U\n"))))
	if _, err := e.svc.OpenHLS(ctx, guestA, id, "360p/index.m3u8", domain.StreamRequest{}); err != nil {
		t.Fatalf("a playlist of %d bytes: %v", domain.MaxPlaylistBytes, err)
	}
	e.storage.Add("k-index", []byte(strings.Repeat("#", domain.MaxPlaylistBytes+1)))
	if _, err := e.svc.OpenHLS(ctx, guestA, id, "360p/index.m3u8", domain.StreamRequest{}); err == nil {
		t.Fatal("a playlist over the bound was served")
	}
}

// Video reads carry the media module's facts.
func TestVideoReadsCarryMediaFacts(t *testing.T) {
	e, media, id := hlsEnv(t)
	media.Facts[id] = domain.Media{Status: domain.MediaProcessing, Width: 640}
	v, err := e.svc.Get(context.Background(), guestA, id)
	if err != nil || v.Media.Status != domain.MediaProcessing || v.Media.Width != 640 {
		t.Fatalf("Get = %+v, %v", v.Media, err)
	}
	vs, err := e.svc.ListLive(context.Background(), guestA, "", 0, 10)
	if err != nil || len(vs) != 1 || vs[0].Media.Status != domain.MediaProcessing {
		t.Fatalf("ListLive = %+v, %v", vs, err)
	}
}
