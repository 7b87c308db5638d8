package e2e

import (
	"bytes"
	"image/jpeg"
	"math"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"vms/app/apptest"
	"vms/platform/database/dbtest"
)

// videoMedia is the media part of a video response.
type videoMedia struct {
	Status          string   `json:"status"`
	Error           *string  `json:"error"`
	DurationSeconds *float64 `json:"duration_seconds"`
	Width           *int     `json:"width"`
	Height          *int     `json:"height"`
	VideoCodec      *string  `json:"video_codec"`
	AudioCodec      *string  `json:"audio_codec"`
	Bitrate         *int64   `json:"bitrate"`
	PosterURL       *string  `json:"poster_url"`
	HLSURL          *string  `json:"hls_url"`
	Renditions      []any    `json:"renditions"`
}

func videoMediaOf(t *testing.T, a *apptest.App, token string, id int64) videoMedia {
	t.Helper()
	var v struct {
		Media videoMedia `json:"media"`
	}
	a.Do(http.MethodGet, "/v1/videos/id/"+strconv.FormatInt(id, 10), nil, token).Expect(t, 200).JSON(t, &v)
	return v.Media
}

// awaitMedia polls the video until its media leaves processing.
func awaitMedia(t *testing.T, a *apptest.App, token string, id int64) videoMedia {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		m := videoMediaOf(t, a, token, id)
		if m.Status != "processing" {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("video %d still processing after 60 s", id)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// The sample ends ready with its real duration, size and codecs, and a JPEG poster that
// follows the video's access rule.
func TestMediaProcessingEndToEnd(t *testing.T) {
	apptest.Each(t, map[string]string{"MEDIA_PROCESSING": "required"}, func(t *testing.T, a *apptest.App) {
		acme := newVideoTenant(t, a, "acme", "FREE", nil)
		other := newVideoTenant(t, a, "other", "FREE", nil)
		var created struct {
			ID    int64      `json:"id"`
			Media videoMedia `json:"media"`
		}
		body, ct := multipartVideo(t, "sample", videoSample(t))
		a.Do(http.MethodPost, "/v1/videos", body, acme.adminToken, "Content-Type: "+ct).Expect(t, 201).JSON(t, &created)
		if created.Media.Status != "processing" || created.Media.DurationSeconds != nil || created.Media.PosterURL != nil {
			t.Fatalf("a new upload's media = %+v, want processing with no facts yet", created.Media)
		}
		id := created.ID
		m := awaitMedia(t, a, acme.guestToken, id)
		if m.Status != "ready" || m.Error != nil {
			t.Fatalf("media = %+v, want ready", m)
		}
		if m.DurationSeconds == nil || math.Abs(*m.DurationSeconds-2.0) > 0.1 {
			t.Fatalf("duration = %v, want about 2 s", m.DurationSeconds)
		}
		if m.Width == nil || m.Height == nil || *m.Width != 320 || *m.Height != 240 {
			t.Fatalf("size = %v x %v, want 320 x 240", m.Width, m.Height)
		}
		if m.VideoCodec == nil || *m.VideoCodec != "h264" || m.AudioCodec == nil || *m.AudioCodec != "aac" || m.Bitrate == nil || *m.Bitrate <= 0 {
			t.Fatalf("codecs/bitrate = %v %v %v", m.VideoCodec, m.AudioCodec, m.Bitrate)
		}
		path := "/v1/videos/" + strconv.FormatInt(id, 10) + "/poster"
		if m.PosterURL == nil || *m.PosterURL != path || m.HLSURL == nil || *m.HLSURL != "/v1/videos/"+strconv.FormatInt(id, 10)+"/hls/master.m3u8" || len(m.Renditions) != 1 {
			t.Fatalf("poster_url = %v, hls_url = %v, renditions = %v", m.PosterURL, m.HLSURL, m.Renditions)
		}
		poster := a.Do(http.MethodGet, path, nil, acme.guestToken).Expect(t, 200)
		if got := poster.Header.Get("Content-Type"); got != "image/jpeg" {
			t.Fatalf("poster Content-Type = %q", got)
		}
		if cc := poster.Header.Get("Cache-Control"); cc != "private, no-cache" {
			t.Fatalf("poster Cache-Control = %q", cc)
		}
		img, err := jpeg.Decode(bytes.NewReader(poster.Body))
		if err != nil {
			t.Fatalf("poster is not a JPEG: %v", err)
		}
		if b := img.Bounds(); b.Dx() != 320 || b.Dy() != 240 {
			t.Fatalf("poster is %dx%d, want the video's 320x240 (narrower than 1280)", b.Dx(), b.Dy())
		}
		etag := poster.Header.Get("ETag")
		a.Do(http.MethodGet, path, nil, acme.guestToken, "If-None-Match: "+etag).Expect(t, 304)
		// A private video's poster is the corporation's own.
		a.Do(http.MethodGet, path, nil, other.adminToken).Expect(t, 404)
		a.Do(http.MethodGet, path, nil, "").Expect(t, 404)
		a.Do(http.MethodPut, "/v1/videos/"+strconv.FormatInt(id, 10), map[string]string{"visibility": "public"}, acme.adminToken).Expect(t, 200)
		a.Do(http.MethodGet, path, nil, "").Expect(t, 200)

		// Processing again: only the owner's admin, 202, back to ready with a new poster.
		proc := "/v1/videos/" + strconv.FormatInt(id, 10) + "/process"
		a.Do(http.MethodPost, proc, nil, acme.guestToken).Expect(t, 403)
		a.Do(http.MethodPost, proc, nil, other.adminToken).Expect(t, 404)
		var again struct {
			Media videoMedia `json:"media"`
		}
		a.Do(http.MethodPost, proc, nil, acme.adminToken).Expect(t, 202).JSON(t, &again)
		if again.Media.Status != "processing" {
			t.Fatalf("after POST process, media.status = %q", again.Media.Status)
		}
		if m := awaitMedia(t, a, acme.adminToken, id); m.Status != "ready" || m.DurationSeconds == nil {
			t.Fatalf("reprocessed media = %+v", m)
		}
		if etag2 := a.Do(http.MethodGet, path, nil, acme.adminToken).Expect(t, 200).Header.Get("ETag"); etag2 == etag {
			t.Fatalf("the reprocessed poster kept the ETag %s", etag)
		}
		// The original, one poster and the HLS of one rendition (240p: master.m3u8,
		// index.m3u8, init.mp4, one segment); the first run's poster and HLS deleted.
		// The old files are deleted just after the new set commits.
		deadline := time.Now().Add(10 * time.Second)
		for n := len(videoFiles(t, a)); n != 6; n = len(videoFiles(t, a)) {
			if time.Now().After(deadline) {
				t.Fatalf("storage holds %d files, want the original, one poster and four HLS files (the old ones deleted)", n)
			}
			time.Sleep(20 * time.Millisecond)
		}
		// The original streamed through it all.
		a.Do(http.MethodGet, "/v1/videos/stream/"+strconv.FormatInt(id, 10), nil, acme.guestToken).Expect(t, 200)
	})
}

// A source URL is never handed to the media tools: ready with empty facts, no poster,
// processing refused.
func TestMediaOfSourceURLVideos(t *testing.T) {
	apptest.Each(t, map[string]string{"MEDIA_PROCESSING": "required"}, func(t *testing.T, a *apptest.App) {
		acme := newVideoTenant(t, a, "acme", "FREE", nil)
		var v struct {
			ID    int64      `json:"id"`
			Media videoMedia `json:"media"`
		}
		a.Do(http.MethodPost, "/v1/videos", map[string]string{"name": "remote", "file_path": "https://media.example.com/a.mp4"}, acme.adminToken).Expect(t, 201).JSON(t, &v)
		if v.Media.Status != "ready" || v.Media.DurationSeconds != nil || v.Media.PosterURL != nil {
			t.Fatalf("source URL media = %+v", v.Media)
		}
		id := strconv.FormatInt(v.ID, 10)
		a.Do(http.MethodPost, "/v1/videos/"+id+"/process", nil, acme.adminToken).Expect(t, 409)
		a.Do(http.MethodGet, "/v1/videos/"+id+"/poster", nil, acme.adminToken).Expect(t, 404)
	})
}

// A file ffprobe cannot read ends failed with a clear error; the original stays
// streamable.
func TestMediaUnreadableFileFails(t *testing.T) {
	apptest.Each(t, map[string]string{"MEDIA_PROCESSING": "required"}, func(t *testing.T, a *apptest.App) {
		acme := newVideoTenant(t, a, "acme", "FREE", nil)
		// WebM's magic number sniffs as video/webm; the rest is noise.
		junk := append([]byte{0x1A, 0x45, 0xDF, 0xA3}, bytes.Repeat([]byte("not a real video "), 400)...)
		id := videoUpload(t, a, acme.adminToken, "junk", junk)
		m := awaitMedia(t, a, acme.adminToken, id)
		if m.Status != "failed" || m.Error == nil || *m.Error == "" || m.DurationSeconds != nil || m.PosterURL != nil {
			t.Fatalf("junk media = %+v, want failed with an error", m)
		}
		got := a.Do(http.MethodGet, "/v1/videos/stream/"+strconv.FormatInt(id, 10), nil, acme.guestToken).Expect(t, 200)
		if !bytes.Equal(got.Body, junk) {
			t.Fatal("the failed video's original does not stream back as uploaded")
		}
		a.Do(http.MethodGet, "/v1/videos/"+strconv.FormatInt(id, 10)+"/poster", nil, acme.adminToken).Expect(t, 404)
	})
}

// Without ffprobe the server starts and serves as before: uploads are ready at once
// with empty media, and processing again is refused.
func TestMediaWithoutToolsStaysReady(t *testing.T) {
	apptest.Each(t, map[string]string{"FFPROBE_PATH": "/nonexistent/ffprobe"}, func(t *testing.T, a *apptest.App) {
		acme := newVideoTenant(t, a, "acme", "FREE", nil)
		body, ct := multipartVideo(t, "sample", videoSample(t))
		var v struct {
			ID    int64      `json:"id"`
			Media videoMedia `json:"media"`
		}
		a.Do(http.MethodPost, "/v1/videos", body, acme.adminToken, "Content-Type: "+ct).Expect(t, 201).JSON(t, &v)
		if v.Media.Status != "ready" || v.Media.DurationSeconds != nil || v.Media.PosterURL != nil {
			t.Fatalf("media without tools = %+v, want ready and empty", v.Media)
		}
		id := strconv.FormatInt(v.ID, 10)
		a.Do(http.MethodPost, "/v1/videos/"+id+"/process", nil, acme.adminToken).Expect(t, 409)
		a.Do(http.MethodGet, "/v1/videos/stream/"+id, nil, acme.guestToken).Expect(t, 200)
		if n := apptestQueryInt(t, a, "SELECT COUNT(*) FROM river_job"); n != 0 {
			t.Fatalf("%d jobs queued without media tools", n)
		}
	})
}

// A video deleted while its job waits is processed but stays deleted; a restore brings
// it back with its media.
func TestMediaJobDoesNotResurrectDeletedVideo(t *testing.T) {
	apptest.Each(t, map[string]string{"MEDIA_PROCESSING": "required"}, func(t *testing.T, a *apptest.App) {
		paid := time.Now().Add(48 * time.Hour)
		acme := newVideoTenant(t, a, "acme", "PAID", &paid)
		id := videoUpload(t, a, acme.adminToken, "gone", videoSample(t))
		sid := strconv.FormatInt(id, 10)
		a.Do(http.MethodDelete, "/v1/videos/"+sid, nil, acme.adminToken).Expect(t, 204)
		deadline := time.Now().Add(60 * time.Second)
		for apptestQueryInt(t, a, "SELECT COUNT(*) FROM media WHERE video_id = ? AND status <> 'processing'", id) != 1 {
			if time.Now().After(deadline) {
				t.Fatal("the deleted video's job never finished")
			}
			time.Sleep(50 * time.Millisecond)
		}
		a.Do(http.MethodGet, "/v1/videos/id/"+sid, nil, acme.adminToken).Expect(t, 404)
		a.Do(http.MethodGet, "/v1/videos/"+sid+"/poster", nil, acme.adminToken).Expect(t, 404)
		if n := apptestQueryInt(t, a, "SELECT COUNT(*) FROM videos WHERE id = ? AND deleted", id); n != 1 {
			t.Fatal("the job changed the video's deleted flag")
		}
		var back struct {
			Media videoMedia `json:"media"`
		}
		a.Do(http.MethodPut, "/v1/videos/"+sid+"/restore", nil, acme.adminToken).Expect(t, 200).JSON(t, &back)
		if back.Media.Status != "ready" || back.Media.PosterURL == nil {
			t.Fatalf("restored media = %+v, want ready with its poster", back.Media)
		}
	})
}

// Fifty uploads at once all end ready.
func TestMediaFiftyUploadsAllReady(t *testing.T) {
	apptest.Each(t, map[string]string{"MEDIA_PROCESSING": "required"}, func(t *testing.T, a *apptest.App) {
		acme := newVideoTenant(t, a, "acme", "FREE", nil)
		sample := videoSample(t)
		ids := make([]int64, 50)
		var wg sync.WaitGroup
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				ids[i] = videoUpload(t, a, acme.adminToken, "clip "+strconv.Itoa(i), sample)
			}()
		}
		wg.Wait()
		for _, id := range ids {
			if m := awaitMedia(t, a, acme.adminToken, id); m.Status != "ready" || m.DurationSeconds == nil || m.PosterURL == nil {
				t.Fatalf("video %d media = %+v", id, m)
			}
		}
		// River records completions in batches, just after the work is done.
		deadline := time.Now().Add(30 * time.Second)
		for apptestQueryInt(t, a, "SELECT COUNT(*) FROM river_job WHERE kind = 'media_process' AND state = 'completed'") != 50 {
			if time.Now().After(deadline) {
				t.Fatal("the 50 processing jobs did not all complete")
			}
			time.Sleep(50 * time.Millisecond)
		}
		// The job metrics follow (this replica's counters are fed by River's events).
		for _, want := range []string{
			`vms_jobs{kind="media_process",state="completed"} 50`,
			`vms_job_attempts_total{kind="media_process",outcome="completed"} 50`,
			`vms_job_duration_seconds_count{kind="media_process"} 50`,
		} {
			deadline := time.Now().Add(10 * time.Second)
			for !strings.Contains(string(a.Do(http.MethodGet, "/metrics", nil, "").Expect(t, 200).Body), want) {
				if time.Now().After(deadline) {
					t.Fatalf("/metrics lacks %s", want)
				}
				time.Sleep(100 * time.Millisecond)
			}
		}
	})
}

func multipartVideo(t *testing.T, name string, data []byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if err := mw.WriteField("name", name); err != nil {
		t.Fatal(err)
	}
	fw, err := mw.CreateFormFile("file", "clip.mp4")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return &buf, mw.FormDataContentType()
}

func apptestQueryInt(t *testing.T, a *apptest.App, query string, args ...any) int64 {
	t.Helper()
	return dbtest.QueryInt(t, a.DB, query, args...)
}
