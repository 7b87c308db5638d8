package e2e

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"vms/app/apptest"
)

type hlsVideo struct {
	Media struct {
		Status     string  `json:"status"`
		HLSURL     *string `json:"hls_url"`
		Renditions []struct {
			Height    int   `json:"height"`
			Bandwidth int64 `json:"bandwidth"`
		} `json:"renditions"`
	} `json:"media"`
}

// rawGet fetches a URL outside the contract checker (for paths no operation has).
func rawGet(t *testing.T, rawURL string, headers ...string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, body
}

// playbackHLS returns the caller's HLS master URL with a playback token.
func playbackHLS(t *testing.T, a *apptest.App, token string, id int64) string {
	t.Helper()
	var p struct {
		HLSURL *string `json:"hls_url"`
	}
	a.Do(http.MethodGet, "/v1/videos/"+strconv.FormatInt(id, 10)+"/playback", nil, token).Expect(t, 200).JSON(t, &p)
	if p.HLSURL == nil {
		t.Fatal("the playback answer has no hls_url")
	}
	return a.BaseURL + *p.HLSURL
}

func ffmpegTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is needed (apt-get install ffmpeg): %v", name, err)
	}
	return p
}

// An upload ends ready with a ladder that respects the source; ffmpeg plays the master
// playlist through the playback URL to the middle of the video; tokens and paths that do
// not belong are refused; the first segment credits the first view once.
func TestHLSEndToEnd(t *testing.T) {
	env := map[string]string{"MEDIA_PROCESSING": "required", "HLS_LADDER": "144,240,720", "CORS_ORIGINS": "https://player.example"}
	apptest.Each(t, env, func(t *testing.T, a *apptest.App) {
		acme := newVideoTenant(t, a, "acme", "FREE", nil)
		id := videoUpload(t, a, acme.adminToken, "clip", videoSample(t))
		other := videoUpload(t, a, acme.adminToken, "other clip", videoSample(t))
		sid := strconv.FormatInt(id, 10)
		awaitMedia(t, a, acme.adminToken, id)
		awaitMedia(t, a, acme.adminToken, other)
		var v hlsVideo
		a.Do(http.MethodGet, "/v1/videos/id/"+sid, nil, acme.guestToken).Expect(t, 200).JSON(t, &v)
		if v.Media.Status != "ready" || v.Media.HLSURL == nil || *v.Media.HLSURL != "/v1/videos/"+sid+"/hls/master.m3u8" {
			t.Fatalf("media = %+v", v.Media)
		}
		if len(v.Media.Renditions) != 2 || v.Media.Renditions[0].Height != 144 || v.Media.Renditions[1].Height != 240 ||
			v.Media.Renditions[0].Bandwidth <= 0 || v.Media.Renditions[1].Bandwidth <= v.Media.Renditions[0].Bandwidth {
			t.Fatalf("renditions = %+v, want 144p and 240p (720p is above the 240p source)", v.Media.Renditions)
		}

		// The master playlist with a Bearer token.
		master := a.Do(http.MethodGet, "/v1/videos/"+sid+"/hls/master.m3u8", nil, acme.guestToken).Expect(t, 200)
		body := string(master.Body)
		for _, want := range []string{"#EXTM3U", "BANDWIDTH=", "AVERAGE-BANDWIDTH=", "RESOLUTION=320x240", "CODECS=\"avc1.", "240p/index.m3u8?v="} {
			if !strings.Contains(body, want) {
				t.Fatalf("master playlist lacks %q:\n%s", want, body)
			}
		}
		if cc := master.Header.Get("Cache-Control"); cc != "private, no-cache" {
			t.Fatalf("playlist Cache-Control %q", cc)
		}
		if ct := master.Header.Get("Content-Type"); ct != "application/vnd.apple.mpegurl" {
			t.Fatalf("playlist Content-Type %q", ct)
		}
		if n := videoPoints(t, a, acme.guestToken, acme.guestID); n != 0 {
			t.Fatalf("a playlist credited %d points", n)
		}

		// ffprobe and ffmpeg read it through the playback URL (tokens in every child URI)
		// and decode a frame from the middle.
		hlsURL := playbackHLS(t, a, acme.guestToken, id)
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		out, err := exec.CommandContext(ctx, ffmpegTool(t, "ffprobe"), "-v", "error", "-show_entries", "stream=codec_name,height",
			"-of", "csv=p=0", hlsURL).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "h264") {
			t.Fatalf("ffprobe of the playback HLS URL: %v\n%s", err, out)
		}
		png, err := exec.CommandContext(ctx, ffmpegTool(t, "ffmpeg"), "-nostdin", "-v", "error", "-i", hlsURL, "-ss", "1",
			"-frames:v", "1", "-f", "image2", "-c:v", "png", "pipe:1").Output()
		if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) {
			t.Fatalf("ffmpeg decoding a frame from the middle: %v (%d bytes)", err, len(png))
		}
		if n := videoPoints(t, a, acme.guestToken, acme.guestID); n != 10 {
			t.Fatalf("after playing the HLS renditions the guest has %d points, want 10", n)
		}

		// A tampered token and another video's token open nothing.
		u, _ := url.Parse(hlsURL)
		token := u.Query().Get("token")
		tampered := strings.Replace(hlsURL, token, token[:len(token)-2]+flip(token[len(token)-2:]), 1)
		if code, _, _ := rawGet(t, tampered); code != http.StatusUnauthorized {
			t.Fatalf("tampered token: %d, want 401", code)
		}
		if out, err := exec.CommandContext(ctx, ffmpegTool(t, "ffprobe"), "-v", "error", tampered).CombinedOutput(); err == nil {
			t.Fatalf("ffprobe read the master playlist with a tampered token:\n%s", out)
		}
		foreign := playbackHLS(t, a, acme.guestToken, other)
		fu, _ := url.Parse(foreign)
		if code, _, _ := rawGet(t, a.BaseURL+"/v1/videos/"+sid+"/hls/master.m3u8?token="+url.QueryEscape(fu.Query().Get("token"))); code != http.StatusNotFound {
			t.Fatalf("another video's token: %d, want 404", code)
		}
		// Path tricks.
		for _, p := range []string{"/hls/..%2Fmaster.m3u8", "/hls/240p%2Findex.m3u8", "/hls/240p/../master.m3u8", "/hls/240p/index.m3u8/x", "/hls/480p/index.m3u8", "/hls/240p/seg_1.m4s", "/hls/240p/seg_00099.m4s", "/hls/"} {
			if code, _, _ := rawGet(t, a.BaseURL+"/v1/videos/"+sid+p, "Authorization: Bearer "+acme.guestToken); code != http.StatusNotFound {
				t.Errorf("GET …%s: %d, want 404", p, code)
			}
		}

		// Segments: immutable, ranges, a strong ETag; CORS for the listed origin only.
		seg := "/v1/videos/" + sid + "/hls/240p/seg_00001.m4s"
		res := a.Do(http.MethodGet, seg, nil, acme.adminToken, "Range: bytes=0-99", "Origin: https://player.example").Expect(t, 206)
		if res.Header.Get("Cache-Control") != "private, max-age=31536000, immutable" || res.Header.Get("ETag") == "" || len(res.Body) != 100 {
			t.Fatalf("segment: Cache-Control %q, ETag %q, %d bytes", res.Header.Get("Cache-Control"), res.Header.Get("ETag"), len(res.Body))
		}
		if res.Header.Get("Access-Control-Allow-Origin") != "https://player.example" || !strings.Contains(res.Header.Get("Access-Control-Expose-Headers"), "Content-Range") {
			t.Fatalf("CORS headers for a listed origin: %v", res.Header)
		}
		if got := a.Do(http.MethodGet, seg, nil, acme.adminToken, "Origin: https://evil.example").Expect(t, 200).Header.Get("Access-Control-Allow-Origin"); got != "" {
			t.Fatalf("an unlisted origin got Access-Control-Allow-Origin %q", got)
		}

		// A password change ends the child tokens a playlist handed out.
		var playlist string
		{
			code, _, b := rawGet(t, hlsURL)
			if code != 200 {
				t.Fatalf("master via playback URL: %d", code)
			}
			playlist = string(b)
		}
		var child string
		for _, line := range strings.Split(playlist, "\n") {
			if strings.HasPrefix(line, "240p/") {
				child = a.BaseURL + "/v1/videos/" + sid + "/hls/" + line
			}
		}
		if code, _, _ := rawGet(t, child); code != 200 {
			t.Fatalf("child playlist via its own token: %d", code)
		}
		a.Do(http.MethodPut, "/v1/users/"+strconv.FormatInt(acme.guestID, 10), map[string]string{"password": "a brand new password", "current_password": "another good password"}, acme.guestToken).Expect(t, 200)
		if code, _, _ := rawGet(t, child); code != http.StatusUnauthorized {
			t.Fatalf("child token after a password change: %d, want 401", code)
		}
	})
}

// flip changes a base64url string so that it still decodes.
func flip(s string) string {
	b := []byte(s)
	for i := range b {
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
	}
	return string(b)
}

// One hundred concurrent first segment fetches credit once.
func TestHLSRacingSegmentsCreditOnce(t *testing.T) {
	apptest.Each(t, map[string]string{"MEDIA_PROCESSING": "required", "HLS_LADDER": "240"}, func(t *testing.T, a *apptest.App) {
		acme := newVideoTenant(t, a, "acme", "FREE", nil)
		id := videoUpload(t, a, acme.adminToken, "clip", videoSample(t))
		awaitMedia(t, a, acme.adminToken, id)
		seg := a.BaseURL + "/v1/videos/" + strconv.FormatInt(id, 10) + "/hls/240p/seg_00001.m4s"
		var wg sync.WaitGroup
		codes := make([]int, 100)
		for i := range codes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				code, _, _ := rawGet(t, seg, "Authorization: Bearer "+acme.guestToken)
				codes[i] = code
			}()
		}
		wg.Wait()
		for i, c := range codes {
			if c != 200 {
				t.Fatalf("fetch %d: %d", i, c)
			}
		}
		if n := videoPoints(t, a, acme.guestToken, acme.guestID); n != 10 {
			t.Fatalf("points after 100 racing segment fetches: %d, want 10", n)
		}
		if logs, ledger := viewCounts(t, a, acme.guestID); logs != 1 || ledger != 1 {
			t.Fatalf("view logs %d, ledger rows %d, want 1 and 1", logs, ledger)
		}
	})
}
