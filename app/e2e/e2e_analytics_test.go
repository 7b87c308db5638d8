package e2e

import (
	"context"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"vms/app/apptest"
	"vms/app/wiring"
	"vms/platform/config"
	"vms/platform/httpserver"
)

// The analytics clips: 40 seconds at 25 fps with a key frame every 2 s (one GOP), about
// 2 Mbit/s of video and AAC sound, with the moov index first (fast.mp4) or last (end.mp4).
const (
	clipSeconds = 40
	clipGOP     = 2.0
)

// encodeClips encodes the clips into a folder of the test and returns it.
func encodeClips(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for file, opts := range map[string][]string{"fast.mp4": {"-movflags", "+faststart"}, "end.mp4": nil} {
		args := []string{"-nostdin", "-v", "error", "-y",
			"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=25", "-f", "lavfi", "-i", "sine=frequency=440",
			"-t", strconv.Itoa(clipSeconds), "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-b:v", "2M",
			"-maxrate", "2M", "-bufsize", "1M", "-c:a", "aac"}
		args = append(append(args, opts...), filepath.Join(dir, file))
		if out, err := exec.Command(ffmpegTool(t, "ffmpeg"), args...).CombinedOutput(); err != nil {
			t.Fatalf("encode %s: %v\n%s", file, err, out)
		}
	}
	return dir
}

// clipPacket is a video packet of a clip as ffprobe sees it.
type clipPacket struct {
	pos, end int64
	dts      float64
}

// clipPackets lists the clip's video packets: where they are and when they decode.
func clipPackets(t *testing.T, path string) []clipPacket {
	t.Helper()
	out, err := exec.Command(ffmpegTool(t, "ffprobe"), "-v", "error", "-select_streams", "v:0",
		"-show_entries", "packet=pos,size,dts_time", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatalf("ffprobe: %v", err)
	}
	var ps []clipPacket
	for _, line := range strings.Fields(string(out)) {
		f := strings.Split(line, ",")
		dts, _ := strconv.ParseFloat(f[0], 64)
		size, _ := strconv.ParseInt(f[1], 10, 64)
		pos, _ := strconv.ParseInt(f[2], 10, 64)
		ps = append(ps, clipPacket{pos: pos, end: pos + size, dts: dts})
	}
	return ps
}

// mediaTimeRead is the media time a client got whole from the clip's bytes [first, end):
// from the first to the last video packet inside them, plus one frame.
func mediaTimeRead(ps []clipPacket, first, end int64) float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range ps {
		if p.pos >= first && p.end <= end {
			lo, hi = math.Min(lo, p.dts), math.Max(hi, p.dts)
		}
	}
	if hi < lo {
		return 0
	}
	return hi - lo + 0.04
}

// offsetAt is the position of the first video packet at or after media time t.
func offsetAt(ps []clipPacket, t float64) int64 {
	for _, p := range ps {
		if p.dts >= t {
			return p.pos
		}
	}
	return ps[len(ps)-1].pos
}

type analyticsAnswer struct {
	UniqueViewers      int       `json:"unique_viewers"`
	TotalWatchSeconds  int64     `json:"total_watch_seconds"`
	MedianWatchSeconds float64   `json:"median_watch_seconds"`
	CompletionRate     float64   `json:"completion_rate"`
	Retention          []float64 `json:"retention"`
}

func analyticsOf(t *testing.T, a *apptest.App, token string, id int64) analyticsAnswer {
	t.Helper()
	var r analyticsAnswer
	a.Do(http.MethodGet, "/v1/videos/"+strconv.FormatInt(id, 10)+"/analytics", nil, token).Expect(t, 200).JSON(t, &r)
	if len(r.Retention) != 20 {
		t.Fatalf("retention has %d shares", len(r.Retention))
	}
	return r
}

// awaitAnalytics polls the video's analytics until ready holds and the answer has not
// changed for a few flush intervals (the server reports a response when it has written
// it, which may be a moment after the client went away).
func awaitAnalytics(t *testing.T, a *apptest.App, token string, id int64, ready func(analyticsAnswer) bool) analyticsAnswer {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var last analyticsAnswer
	stable := 0
	for {
		r := analyticsOf(t, a, token, id)
		if ready(r) && r.TotalWatchSeconds == last.TotalWatchSeconds && r.UniqueViewers == last.UniqueViewers {
			if stable++; stable == 4 {
				return r
			}
		} else {
			stable = 0
		}
		last = r
		if time.Now().After(deadline) {
			t.Fatalf("analytics of video %d: %+v", id, r)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// newGuest adds a guest to the tenant and signs it in.
func newGuest(t *testing.T, a *apptest.App, tenant videoTenant, name string) string {
	t.Helper()
	email := name + "@viewers.example"
	a.Do(http.MethodPost, "/v1/users", map[string]string{"email": email, "password": "a viewer's password", "role": "guest"}, tenant.adminToken).Expect(t, 201)
	return videoLogin(t, a, email, "a viewer's password")
}

func playbackURL(t *testing.T, a *apptest.App, token string, id int64) string {
	t.Helper()
	var p struct {
		URL string `json:"url"`
	}
	a.Do(http.MethodGet, "/v1/videos/"+strconv.FormatInt(id, 10)+"/playback", nil, token).Expect(t, 200).JSON(t, &p)
	return a.BaseURL + p.URL
}

// smallBufferClient is a browser-like client whose receive buffer is small, so that what
// the server managed to write when the client hangs up is close to what it read.
var smallBufferClient = &http.Client{Transport: &http.Transport{
	DisableKeepAlives: true,
	DialContext: (&net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
		var err error
		_ = c.Control(func(fd uintptr) { err = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 16<<10) })
		return err
	}}).DialContext,
}}

// readRange asks for Range: bytes=first- and hangs up after n bytes, as a browser's media
// element does when it has buffered enough or seeks; it returns what it read.
func readRange(t *testing.T, url, token string, first, n int64) int64 {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Range", "bytes="+strconv.FormatInt(first, 10)+"-")
	res, err := smallBufferClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusPartialContent {
		t.Fatalf("Range: bytes=%d-: %d", first, res.StatusCode)
	}
	got, err := io.Copy(io.Discard, io.LimitReader(res.Body, n))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func near(t *testing.T, what string, got, want, tolerance float64) {
	t.Helper()
	t.Logf("%s: %.1f seconds reported, %.1f expected", what, got, want)
	if math.Abs(got-want) > tolerance {
		t.Fatalf("%s: %.1f seconds, want %.1f ± %.1f", what, got, want, tolerance)
	}
}

// Watch analytics from real clients: ffmpeg reading the first 30 % of an original through
// the playback URL (moov first and moov last), a browser-like client that asks for
// bytes=N- and hangs up, HLS segments fetched whole and in part, and a player that reads
// only the index at the end. The seconds reported match the media time fetched within
// one GOP (2 s) for originals and one segment for HLS; the index alone is no viewing.
func TestWatchAnalyticsEndToEnd(t *testing.T) {
	clips := encodeClips(t)
	fast, end := filepath.Join(clips, "fast.mp4"), filepath.Join(clips, "end.mp4")
	fastPackets, endPackets := clipPackets(t, fast), clipPackets(t, end)
	env := map[string]string{"MEDIA_PROCESSING": "required", "HLS_LADDER": "144", "ANALYTICS_FLUSH_INTERVAL": "50ms"}
	apptest.Each(t, env, func(t *testing.T, a *apptest.App) {
		acme := newVideoTenant(t, a, "acme", "FREE", nil)
		other := newVideoTenant(t, a, "other", "FREE", nil)
		fastData, _ := os.ReadFile(fast)
		endData, _ := os.ReadFile(end)
		fid, eid := videoUpload(t, a, acme.adminToken, "fast", fastData), videoUpload(t, a, acme.adminToken, "end", endData)
		awaitMedia(t, a, acme.adminToken, fid)
		awaitMedia(t, a, acme.adminToken, eid)
		sfid := strconv.FormatInt(fid, 10)

		// Who may read them: the owner's admins only.
		a.Do(http.MethodGet, "/v1/videos/"+sfid+"/analytics", nil, "").Expect(t, http.StatusUnauthorized)
		a.Do(http.MethodGet, "/v1/videos/"+sfid+"/analytics", nil, acme.guestToken).Expect(t, http.StatusForbidden)
		a.Do(http.MethodGet, "/v1/videos/"+sfid+"/analytics", nil, other.adminToken).Expect(t, http.StatusNotFound)
		if r := analyticsOf(t, a, acme.adminToken, fid); r.UniqueViewers != 0 || r.TotalWatchSeconds != 0 {
			t.Fatalf("before any viewing: %+v", r)
		}

		// ffmpeg reads the first 30 % (12 s) of each original through its playback URL.
		var afterFFmpeg analyticsAnswer
		for i, id := range []int64{fid, eid} {
			token := newGuest(t, a, acme, "ffmpeg"+strconv.Itoa(i))
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			out, err := exec.CommandContext(ctx, ffmpegTool(t, "ffmpeg"), "-nostdin", "-v", "error", "-recv_buffer_size", "16384",
				"-t", "12", "-i", playbackURL(t, a, token, id), "-c", "copy", "-f", "null", "-").CombinedOutput()
			cancel()
			if err != nil {
				t.Fatalf("ffmpeg: %v\n%s", err, out)
			}
			r := awaitAnalytics(t, a, acme.adminToken, id, func(r analyticsAnswer) bool { return r.UniqueViewers == 1 })
			near(t, "ffmpeg -t 12", float64(r.TotalWatchSeconds), 12, clipGOP)
			if r.CompletionRate != 0 || r.Retention[0] != 1 || r.Retention[4] != 1 || r.Retention[8] != 0 || r.Retention[19] != 0 {
				t.Fatalf("after the first 30 %%: %+v", r)
			}
			afterFFmpeg = r
		}

		// A player that fetches only the index at the end of the moov-last original, and
		// then the last 64 KiB, has watched nothing.
		lastSample := int64(0)
		for _, p := range endPackets {
			lastSample = max(lastSample, p.end)
		}
		prefetcher := newGuest(t, a, acme, "prefetcher")
		endURL := a.BaseURL + "/v1/videos/stream/" + strconv.FormatInt(eid, 10)
		a.Do(http.MethodGet, "/v1/videos/stream/"+strconv.FormatInt(eid, 10), nil, prefetcher, "Range: bytes="+strconv.FormatInt(lastSample, 10)+"-").Expect(t, 206)
		a.Do(http.MethodGet, "/v1/videos/stream/"+strconv.FormatInt(eid, 10), nil, prefetcher, "Range: bytes=-65536").Expect(t, 206)
		// A viewer who fetches the whole file completes it.
		whole := newGuest(t, a, acme, "whole")
		readRange(t, endURL, whole, 0, int64(len(endData)))
		r := awaitAnalytics(t, a, acme.adminToken, eid, func(r analyticsAnswer) bool { return r.UniqueViewers == 2 })
		if r.CompletionRate != 0.5 || r.Retention[19] != 0.5 {
			t.Fatalf("after the index-only player and a whole viewing: %+v (the index alone is no viewer)", r)
		}
		near(t, "a whole viewing", float64(r.TotalWatchSeconds-afterFFmpeg.TotalWatchSeconds), clipSeconds, 0)

		// A browser-like client: bytes=0- hung up after 100 KB, then a seek to 20 s with
		// bytes=N- hung up after 1.5 MB (about 6 s), then the same range again.
		browser := newGuest(t, a, acme, "browser")
		fastURL := a.BaseURL + "/v1/videos/stream/" + sfid
		before := analyticsOf(t, a, acme.adminToken, fid)
		n1 := readRange(t, fastURL, browser, 0, 100_000)
		seek := offsetAt(fastPackets, 20)
		n2 := readRange(t, fastURL, browser, seek, 1_500_000)
		readRange(t, fastURL, browser, seek, 1_500_000)
		r = awaitAnalytics(t, a, acme.adminToken, fid, func(r analyticsAnswer) bool { return r.UniqueViewers == 2 })
		read := mediaTimeRead(fastPackets, 0, n1) + mediaTimeRead(fastPackets, seek, seek+n2)
		near(t, "bytes=N- hung up", float64(r.TotalWatchSeconds-before.TotalWatchSeconds), read, clipGOP)

		// HLS: segments 1–3 fetched whole (and 1 again), segment 5 in part.
		hls := newGuest(t, a, acme, "hls")
		base := "/v1/videos/" + sfid + "/hls/"
		a.Do(http.MethodGet, base+"master.m3u8", nil, hls).Expect(t, 200)
		pl := string(a.Do(http.MethodGet, base+"144p/index.m3u8", nil, hls).Expect(t, 200).Body)
		a.Do(http.MethodGet, base+"144p/init.mp4", nil, hls).Expect(t, 200)
		var segs []string
		var durations []float64
		for _, line := range strings.Split(pl, "\n") {
			if d, ok := strings.CutPrefix(line, "#EXTINF:"); ok {
				v, _ := strconv.ParseFloat(strings.TrimSuffix(d, ","), 64)
				durations = append(durations, v)
			} else if strings.HasPrefix(line, "seg_") {
				name, _, _ := strings.Cut(line, "?")
				segs = append(segs, name)
			}
		}
		if len(segs) < 5 {
			t.Fatalf("the 144p playlist lists %d segments:\n%s", len(segs), pl)
		}
		for _, s := range []string{segs[0], segs[1], segs[2], segs[0]} {
			a.Do(http.MethodGet, base+"144p/"+s, nil, hls).Expect(t, 200)
		}
		a.Do(http.MethodGet, base+"144p/"+segs[4], nil, hls, "Range: bytes=0-999").Expect(t, 206)
		before = r
		r = awaitAnalytics(t, a, acme.adminToken, fid, func(r analyticsAnswer) bool { return r.UniqueViewers == 3 })
		near(t, "three HLS segments", float64(r.TotalWatchSeconds-before.TotalWatchSeconds), durations[0]+durations[1]+durations[2], 1)

		// ffmpeg plays the HLS through the playback URL for 10 s; it says which segments it
		// opened (it reads ahead of what it plays). A segment it gave up on midway counts
		// nothing, hence one segment's tolerance.
		hlsPlayer := newGuest(t, a, acme, "hlsplayer")
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		out, err := exec.CommandContext(ctx, ffmpegTool(t, "ffmpeg"), "-nostdin", "-v", "info", "-t", "10",
			"-i", playbackHLS(t, a, hlsPlayer, fid), "-c", "copy", "-f", "null", "-").CombinedOutput()
		cancel()
		if err != nil {
			t.Fatalf("ffmpeg on HLS: %v\n%s", err, out)
		}
		fetched := 0.0
		for i, s := range segs {
			if strings.Contains(string(out), "/144p/"+s+"?") {
				fetched += durations[i]
			}
		}
		if fetched < 10 {
			t.Fatalf("ffmpeg opened segments of %.1f s for 10 s:\n%s", fetched, out)
		}
		before = r
		r = awaitAnalytics(t, a, acme.adminToken, fid, func(r analyticsAnswer) bool { return r.UniqueViewers == 4 })
		near(t, "ffmpeg -t 10 on HLS", float64(r.TotalWatchSeconds-before.TotalWatchSeconds), fetched, durations[0])
		// The browser-like client's first 100 KB hold no whole second.
		if r.CompletionRate != 0 || r.Retention[0] != 0.75 || r.MedianWatchSeconds <= 0 {
			t.Fatalf("after four viewers: %+v", r)
		}
	})
}

// startReplica runs the application with cfg until stop is called (or the test ends).
func startReplica(t *testing.T, cfg config.Config) (a *apptest.App, stop func()) {
	t.Helper()
	var srv *httpserver.Server
	app := fxtest.New(t, fx.NopLogger, wiring.Options(cfg), fx.Populate(&srv))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := app.Start(ctx); err != nil {
		t.Fatalf("start: %v", err)
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := app.Stop(ctx); err != nil {
				t.Errorf("stop: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return &apptest.App{T: t, BaseURL: "http://" + srv.Addr().String(), Config: cfg, Client: &http.Client{Timeout: time.Minute}}, stop
}

// What a replica holds in memory is flushed when it stops, and flushes of several
// replicas and of restarts add up: a viewer who watches the first half from one server
// and the rest from another (at once on PostgreSQL, one after the other on SQLite)
// completes the video in the figures a third server reads. Nothing is flushed before the
// stops (the interval is an hour).
func TestWatchAnalyticsAcrossReplicasAndRestarts(t *testing.T) {
	clip := filepath.Join(encodeClips(t), "fast.mp4")
	data, err := os.ReadFile(clip)
	if err != nil {
		t.Fatal(err)
	}
	mid := offsetAt(clipPackets(t, clip), clipSeconds/2)
	for _, backend := range apptest.Backends() {
		t.Run(string(backend), func(t *testing.T) {
			cfg := apptest.Config(t, backend, map[string]string{"MEDIA_PROCESSING": "off", "ANALYTICS_FLUSH_INTERVAL": "1h"})
			first, stopFirst := startReplica(t, cfg)
			acme := newVideoTenant(t, first, "acme", "FREE", nil)
			id := videoUpload(t, first, acme.adminToken, "clip", data)
			stream := "/v1/videos/stream/" + strconv.FormatInt(id, 10)
			first.Do(http.MethodGet, stream, nil, acme.guestToken, "Range: bytes=0-"+strconv.FormatInt(mid-1, 10)).Expect(t, 206)
			if backend == apptest.SQLite {
				stopFirst()
			}
			second, stopSecond := startReplica(t, cfg)
			second.Do(http.MethodGet, stream, nil, acme.guestToken, "Range: bytes="+strconv.FormatInt(mid, 10)+"-").Expect(t, 206)
			if r := analyticsOf(t, second, acme.adminToken, id); r.UniqueViewers != 0 && backend == apptest.Postgres {
				t.Fatalf("flushed before the interval: %+v", r)
			}
			stopFirst()
			stopSecond()
			third, _ := startReplica(t, cfg)
			r := analyticsOf(t, third, acme.adminToken, id)
			if r.UniqueViewers != 1 || r.TotalWatchSeconds != clipSeconds || r.CompletionRate != 1 || r.Retention[19] != 1 {
				t.Fatalf("after both halves: %+v", r)
			}
		})
	}
}
