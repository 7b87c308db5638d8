package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"vms/platform/database/dbtest"
)

// The tests here run two servers on one PostgreSQL database and one DATA_DIR, and send
// the requests of one tus upload to both: the upload's lock (a PostgreSQL advisory lock)
// is taken by whichever server receives a request, and a request waiting for it asks the
// holder, on the other server, to stop.

// interrupted is the detail of the problem answering a request stopped for another
// request of the same upload (tusd's ERR_UPLOAD_INTERRUPTED).
const interrupted = "interrupted by another request for this upload"

// tusResult is what a test keeps of a tus response.
type tusResult struct {
	status int
	header http.Header
	body   string
	err    error
}

// tus sends one tus request and reads its whole answer; it may run on any goroutine.
func (a api) tus(method, id, token string, body io.Reader, length int64, headers ...string) tusResult {
	path := "/v1/uploads"
	if id != "" {
		path += "/" + id
	}
	req, err := http.NewRequest(method, a.base+path, body)
	if err != nil {
		return tusResult{err: err}
	}
	req.ContentLength = length
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Tus-Resumable", "1.0.0")
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	res, err := a.client.Do(req)
	if err != nil {
		return tusResult{err: err}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return tusResult{status: res.StatusCode, header: res.Header, body: string(b), err: err}
}

// create creates an upload of length bytes and returns its id.
func (a api) createUpload(t *testing.T, token, name string, length int) string {
	t.Helper()
	r := a.tus(http.MethodPost, "", token, nil, 0,
		"Upload-Length: "+strconv.Itoa(length), "Upload-Metadata: name "+base64.StdEncoding.EncodeToString([]byte(name)))
	if r.err != nil || r.status != http.StatusCreated {
		t.Fatalf("create upload: %d %v %s", r.status, r.err, r.body)
	}
	loc := r.header.Get("Location")
	return loc[strings.LastIndex(loc, "/")+1:]
}

// patch appends chunk at offset.
func (a api) patch(t *testing.T, token, id string, offset int, chunk []byte) tusResult {
	t.Helper()
	return a.tus(http.MethodPatch, id, token, bytes.NewReader(chunk), int64(len(chunk)),
		"Upload-Offset: "+strconv.Itoa(offset), "Content-Type: application/offset+octet-stream")
}

// offset is the upload's offset as HEAD reports it.
func (a api) offset(t *testing.T, token, id string) int {
	t.Helper()
	r := a.tus(http.MethodHead, id, token, nil, 0)
	if r.err != nil || r.status != http.StatusOK {
		t.Fatalf("HEAD upload: %d %v", r.status, r.err)
	}
	n, err := strconv.Atoi(r.header.Get("Upload-Offset"))
	if err != nil {
		t.Fatalf("Upload-Offset %q", r.header.Get("Upload-Offset"))
	}
	return n
}

// stored returns the bytes of an unfinished upload's part on the shared disk.
func stored(t *testing.T, dataDir, id string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dataDir, "uploads", id))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkConsistent checks that both servers report the offset the shared part has, and
// that the part holds the sample's first bytes; it returns the offset.
func checkConsistent(t *testing.T, servers []api, token, dataDir, id string, sample []byte) int {
	t.Helper()
	part := stored(t, dataDir, id)
	for i, s := range servers {
		if got := s.offset(t, token, id); got != len(part) {
			t.Fatalf("server %d reports offset %d, the part holds %d bytes", i, got, len(part))
		}
	}
	if len(part) > len(sample) || !bytes.Equal(part, sample[:len(part)]) {
		t.Fatalf("the part (%d bytes) is not the sample's first %d bytes", len(part), len(part))
	}
	return len(part)
}

// finish sends the rest of the sample from offset in chunks, alternating between the
// servers, and returns the video id the last PATCH names.
func finish(t *testing.T, servers []api, token, id string, offset int, sample []byte, chunk int) int64 {
	t.Helper()
	for i := 0; offset < len(sample); i++ {
		end := min(offset+chunk, len(sample))
		r := servers[i%len(servers)].patch(t, token, id, offset, sample[offset:end])
		if r.err != nil || r.status != http.StatusNoContent || r.header.Get("Upload-Offset") != strconv.Itoa(end) {
			t.Fatalf("PATCH %d-%d to server %d: %d %v %s %v", offset, end, i%len(servers), r.status, r.err, r.body, r.header)
		}
		offset = end
		if offset == len(sample) {
			v, err := strconv.ParseInt(r.header.Get("Video-Id"), 10, 64)
			if err != nil || v <= 0 {
				t.Fatalf("the last PATCH names no video: Video-Id %q", r.header.Get("Video-Id"))
			}
			return v
		}
		if r.header.Get("Video-Id") != "" {
			t.Fatalf("PATCH up to %d of %d named a video", end, len(sample))
		}
	}
	t.Fatal("nothing left to send")
	return 0
}

// checkStreams checks that every server streams the sample's bytes as the video.
func checkStreams(t *testing.T, servers []api, token string, videoID int64, sample []byte) {
	t.Helper()
	want := sha256.Sum256(sample)
	for i, s := range servers {
		b := s.call(t, http.MethodGet, "/v1/videos/stream/"+strconv.FormatInt(videoID, 10), token, "", nil, http.StatusOK)
		if sha256.Sum256(b) != want {
			t.Fatalf("server %d streams %d bytes that differ from the sample's %d", i, len(b), len(sample))
		}
	}
}

// An upload whose requests go to two servers in turn, and whose chunks two servers
// receive at once, ends whole.
func TestUploadSharedByTwoServers(t *testing.T) {
	t.Parallel()
	sample, err := os.ReadFile("testdata/sample.mp4")
	if err != nil {
		t.Fatal(err)
	}
	dataDir := t.TempDir()
	env := map[string]string{
		"DATABASE_URL": dbtest.PostgresURL(t), "DATA_DIR": dataDir, "HTTP_ADDR": "127.0.0.1:0",
		"JWT_SECRET": resilienceSecret, "MEDIA_PROCESSING": "off",
	}
	servers := []api{apiOf(startServer(t, env)), apiOf(startServer(t, env))}
	token := servers[0].signUp(t, "acme")

	t.Run("chunks alternate", func(t *testing.T) {
		id := servers[0].createUpload(t, token, "alternating", len(sample))
		videoID := finish(t, servers, token, id, 0, sample, 10000)
		checkStreams(t, servers, token, videoID, sample)
	})

	// A PATCH stalls on one server after some bytes; the same chunk is sent to the other
	// server, as a client resuming does. The waiting server asks the holder to stop:
	// the stalled request answers 400 (interrupted), the resumed one finds the
	// offset moved (409), long before tusd's 20 s lock timeout. The part keeps exactly
	// the bytes that arrived, and the upload completes.
	t.Run("stalled PATCH gives way", func(t *testing.T) {
		id := servers[0].createUpload(t, token, "stalled", len(sample))
		const start, end, sent = 20000, 50000, 10000
		if r := servers[1].patch(t, token, id, 0, sample[:start]); r.status != http.StatusNoContent {
			t.Fatalf("first chunk: %d %v %s", r.status, r.err, r.body)
		}
		pr, pw := io.Pipe()
		stalled := make(chan tusResult, 1)
		go func() {
			stalled <- servers[0].tus(http.MethodPatch, id, token, pr, end-start,
				"Upload-Offset: "+strconv.Itoa(start), "Content-Type: application/offset+octet-stream")
		}()
		t.Cleanup(func() { _ = pw.Close() })
		if _, err := pw.Write(sample[start : start+sent]); err != nil {
			t.Fatal(err)
		}
		waitUntil(t, 10*time.Second, "the stalled PATCH's first bytes did not reach the part", func() bool {
			return len(stored(t, dataDir, id)) == start+sent
		})

		began := time.Now()
		resumed := servers[1].patch(t, token, id, start, sample[start:end])
		took := time.Since(began)
		var first tusResult
		select {
		case first = <-stalled:
		case <-time.After(10 * time.Second):
			t.Fatal("the stalled PATCH was not stopped")
		}
		_ = pw.Close()
		t.Logf("resumed PATCH answered in %s", took)
		if first.err != nil || first.status != http.StatusBadRequest || !strings.Contains(first.body, interrupted) {
			t.Fatalf("stalled PATCH: %d %v %q, want 400, interrupted", first.status, first.err, first.body)
		}
		if resumed.err != nil || resumed.status != http.StatusConflict {
			t.Fatalf("resumed PATCH: %d %v %q, want 409 (the offset moved)", resumed.status, resumed.err, resumed.body)
		}
		if took > 5*time.Second {
			t.Fatalf("the resumed PATCH waited %s for the lock", took)
		}
		if got := checkConsistent(t, servers, token, dataDir, id, sample); got != start+sent {
			t.Fatalf("offset %d after the interruption, want %d", got, start+sent)
		}
		videoID := finish(t, servers, token, id, start+sent, sample, 25000)
		checkStreams(t, servers, token, videoID, sample)
	})

	// Two PATCHes of the same chunk at the same offset, one to each server, both in
	// flight before their bodies are sent: at most one appends the chunk (204), the other
	// is refused (409) or stopped (400); the part holds only the sample's bytes, and the
	// upload completes. Without a lock shared by the servers both would append.
	t.Run("concurrent PATCHes", func(t *testing.T) {
		for round := range 3 {
			id := servers[0].createUpload(t, token, "race "+strconv.Itoa(round), len(sample))
			const start, end = 10000, 60000
			if r := servers[round%2].patch(t, token, id, 0, sample[:start]); r.status != http.StatusNoContent {
				t.Fatalf("first chunk: %d %v %s", r.status, r.err, r.body)
			}
			results := make([]tusResult, 2)
			writers := make([]*io.PipeWriter, 2)
			var wg sync.WaitGroup
			for i := range 2 {
				pr, pw := io.Pipe()
				writers[i] = pw
				wg.Go(func() {
					results[i] = servers[i].tus(http.MethodPatch, id, token, pr, end-start,
						"Upload-Offset: "+strconv.Itoa(start), "Content-Type: application/offset+octet-stream")
				})
			}
			// Both requests are in flight (their headers sent) before either body begins,
			// and each body comes in two halves.
			time.Sleep(300 * time.Millisecond)
			half := start + (end-start)/2
			var sends sync.WaitGroup
			for _, pw := range writers {
				sends.Go(func() {
					defer pw.Close()
					if _, err := pw.Write(sample[start:half]); err != nil {
						return // the request was answered already
					}
					time.Sleep(100 * time.Millisecond)
					_, _ = pw.Write(sample[half:end])
				})
			}
			wg.Wait()
			for _, pw := range writers {
				_ = pw.Close()
			}
			sends.Wait()

			appended := 0
			for i, r := range results {
				switch {
				case r.err == nil && r.status == http.StatusNoContent:
					appended++
					if r.header.Get("Upload-Offset") != strconv.Itoa(end) {
						t.Fatalf("server %d: 204 with Upload-Offset %q, want %d", i, r.header.Get("Upload-Offset"), end)
					}
				case r.err == nil && r.status == http.StatusConflict:
				case r.err == nil && r.status == http.StatusBadRequest && strings.Contains(r.body, interrupted):
				default:
					t.Fatalf("server %d: %d %v %q, want 204, 409 or 400 (interrupted)", i, r.status, r.err, r.body)
				}
			}
			if appended > 1 {
				t.Fatal("both PATCHes appended the chunk")
			}
			got := checkConsistent(t, servers, token, dataDir, id, sample)
			if appended == 1 && got != end {
				t.Fatalf("offset %d after a 204 up to %d", got, end)
			}
			if got < start || got > end {
				t.Fatalf("offset %d outside the chunk %d-%d", got, start, end)
			}
			t.Logf("round %d: answers %d and %d, offset %d", round, results[0].status, results[1].status, got)
			videoID := finish(t, servers, token, id, got, sample, 30000)
			checkStreams(t, servers, token, videoID, sample)
		}
	})
}
