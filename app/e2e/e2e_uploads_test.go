package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"vms/app/apptest"
)

// tusClient is a minimal tus 1.0 client over the contract-checked apptest client.
type tusClient struct {
	t     *testing.T
	a     *apptest.App
	token string
}

func tusMeta(pairs ...string) string {
	var parts []string
	for i := 0; i+1 < len(pairs); i += 2 {
		parts = append(parts, pairs[i]+" "+base64.StdEncoding.EncodeToString([]byte(pairs[i+1])))
	}
	return strings.Join(parts, ",")
}

// create answers the creation request; on 201 id is the upload id from Location.
func (c tusClient) create(length int, meta string) (res *apptest.Response, id string) {
	c.t.Helper()
	res = c.a.Do(http.MethodPost, "/v1/uploads", nil, c.token,
		"Tus-Resumable: 1.0.0", "Upload-Length: "+strconv.Itoa(length), "Upload-Metadata: "+meta)
	if res.Status == http.StatusCreated {
		loc := res.Header.Get("Location")
		id = loc[strings.LastIndex(loc, "/")+1:]
		if !strings.HasSuffix(loc, "/v1/uploads/"+id) || len(id) != 32 {
			c.t.Fatalf("Location %q", loc)
		}
	}
	return res, id
}

func (c tusClient) patch(id string, offset int, chunk []byte, headers ...string) *apptest.Response {
	c.t.Helper()
	h := append([]string{"Tus-Resumable: 1.0.0", "Upload-Offset: " + strconv.Itoa(offset), "Content-Type: application/offset+octet-stream"}, headers...)
	return c.a.Do(http.MethodPatch, "/v1/uploads/"+id, chunk, c.token, h...)
}

func (c tusClient) offset(id string) int {
	c.t.Helper()
	res := c.a.Do(http.MethodHead, "/v1/uploads/"+id, nil, c.token, "Tus-Resumable: 1.0.0").Expect(c.t, http.StatusOK)
	n, err := strconv.Atoi(res.Header.Get("Upload-Offset"))
	if err != nil {
		c.t.Fatalf("Upload-Offset %q", res.Header.Get("Upload-Offset"))
	}
	return n
}

type uploadState struct {
	ID        string    `json:"id"`
	Offset    int64     `json:"offset"`
	Length    int64     `json:"length"`
	ExpiresAt time.Time `json:"expires_at"`
	VideoID   *int64    `json:"video_id"`
}

func sha256Header(b []byte) string {
	s := sha256.Sum256(b)
	return "Upload-Checksum: sha256 " + base64.StdEncoding.EncodeToString(s[:])
}

func uploadParts(t *testing.T, a *apptest.App) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(a.Config.DataDir, "uploads"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// uploadLeftovers lists what the store of upload parts still holds of uploads that were
// finished, terminated or removed: parts and tusd's bookkeeping of any upload and, for
// the uploads named, a finished file that no video keeps.
type uploadLeftovers func(t *testing.T, removed ...string) []string

// localLeftovers lists DATA_DIR/uploads, where parts are kept beside local video storage.
func localLeftovers(a *apptest.App) uploadLeftovers {
	return func(t *testing.T, _ ...string) []string { return uploadParts(t, a) }
}

// A client uploads the sample in chunks through hostile detours (wrong offset, past the
// length, a bad checksum), each leaving the upload resumable; the last PATCH names the
// video, which ends ready with the source's bytes. Other corporations, guests and
// anonymous callers get 404, 403 and 401.
func TestResumableUploadEndToEnd(t *testing.T) {
	apptest.Each(t, map[string]string{"MAX_UPLOAD_BYTES": "1MiB"}, func(t *testing.T, a *apptest.App) {
		resumableUploadFlow(t, a, localLeftovers(a))
	})
}

// resumableUploadFlow runs the end-to-end tus scenario on a and returns the upload that
// completed, the video it became and the bytes sent; left says what the parts store
// holds after each ending.
func resumableUploadFlow(t *testing.T, a *apptest.App, left uploadLeftovers) (uploadID string, videoID int64, data []byte) {
	t.Helper()
	data = videoSample(t)
	acme, other := newVideoTenant(t, a, "acme", "FREE", nil), newVideoTenant(t, a, "other", "FREE", nil)
	c := tusClient{t: t, a: a, token: acme.adminToken}

	opts := a.Do(http.MethodOptions, "/v1/uploads", nil, "").Expect(t, http.StatusOK)
	if ext := opts.Header.Get("Tus-Extension"); !strings.Contains(ext, "creation") || !strings.Contains(ext, "termination") ||
		!strings.Contains(ext, "checksum") || !strings.Contains(ext, "expiration") || !strings.Contains(opts.Header.Get("Tus-Checksum-Algorithm"), "sha256") {
		t.Fatalf("discovery: %v", opts.Header)
	}

	// Creation refusals.
	if res, _ := c.create(int(a.Config.MaxUploadBytes)+1, tusMeta("name", "big")); res.Status != http.StatusRequestEntityTooLarge ||
		!strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("over MAX_UPLOAD_BYTES: %d %s %s", res.Status, res.Header.Get("Content-Type"), res.Body)
	}
	if res, _ := (tusClient{t: t, a: a, token: acme.guestToken}).create(len(data), tusMeta("name", "x")); res.Status != http.StatusForbidden {
		t.Fatalf("guest create: %d", res.Status)
	}
	if res, _ := (tusClient{t: t, a: a}).create(len(data), tusMeta("name", "x")); res.Status != http.StatusUnauthorized {
		t.Fatalf("anonymous create: %d", res.Status)
	}

	res, id := c.create(len(data), tusMeta("name", "Resumed clip", "filetype", "video/mp4", "visibility", "public"))
	res.Expect(t, http.StatusCreated)
	if _, err := time.Parse(http.TimeFormat, res.Header.Get("Upload-Expires")); err != nil {
		t.Fatalf("Upload-Expires %q", res.Header.Get("Upload-Expires"))
	}
	first, rest := 30000, 60000
	c.patch(id, 0, data[:first], sha256Header(data[:first])).Expect(t, http.StatusNoContent)
	if got := c.offset(id); got != first {
		t.Fatalf("offset %d, want %d", got, first)
	}

	// Hostile chunks leave the upload where it was.
	c.patch(id, 10, data[10:100]).Expect(t, http.StatusConflict)
	if res := c.patch(id, first, append(append([]byte{}, data[first:]...), 'x')); res.Status < 400 || res.Status > 499 {
		t.Fatalf("past the length: %d", res.Status)
	}
	bad := c.patch(id, first, data[first:rest], sha256Header(data[:10]))
	if bad.Status != 460 || !strings.HasPrefix(bad.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("checksum mismatch: %d %s", bad.Status, bad.Body)
	}
	if got := c.offset(id); got != first {
		t.Fatalf("offset after hostile chunks %d, want %d", got, first)
	}

	// Another corporation, a guest and nobody cannot see it.
	o := tusClient{t: t, a: a, token: other.adminToken}
	a.Do(http.MethodHead, "/v1/uploads/"+id, nil, other.adminToken, "Tus-Resumable: 1.0.0").Expect(t, http.StatusNotFound)
	o.patch(id, first, data[first:rest]).Expect(t, http.StatusNotFound)
	a.Do(http.MethodDelete, "/v1/uploads/"+id, nil, other.adminToken, "Tus-Resumable: 1.0.0").Expect(t, http.StatusNotFound)
	a.Do(http.MethodGet, "/v1/uploads/"+id, nil, other.adminToken).Expect(t, http.StatusNotFound)
	a.Do(http.MethodGet, "/v1/uploads/"+id, nil, acme.guestToken).Expect(t, http.StatusForbidden)
	a.Do(http.MethodGet, "/v1/uploads/"+id, nil, "").Expect(t, http.StatusUnauthorized)

	var st uploadState
	a.Do(http.MethodGet, "/v1/uploads/"+id, nil, acme.adminToken).Expect(t, http.StatusOK).JSON(t, &st)
	if st.ID != id || st.Offset != int64(first) || st.Length != int64(len(data)) || st.VideoID != nil || st.ExpiresAt.IsZero() {
		t.Fatalf("state %+v", st)
	}

	// Resume and complete.
	c.patch(id, first, data[first:rest], sha256Header(data[first:rest])).Expect(t, http.StatusNoContent)
	done := c.patch(id, rest, data[rest:]).Expect(t, http.StatusNoContent)
	videoID, err := strconv.ParseInt(done.Header.Get("Video-Id"), 10, 64)
	if err != nil || done.Header.Get("Upload-Offset") != strconv.Itoa(len(data)) {
		t.Fatalf("final PATCH headers %v", done.Header)
	}
	a.Do(http.MethodGet, "/v1/uploads/"+id, nil, acme.adminToken).Expect(t, http.StatusOK).JSON(t, &st)
	if st.VideoID == nil || *st.VideoID != videoID || st.Offset != int64(len(data)) {
		t.Fatalf("state after completion %+v", st)
	}
	if got := c.offset(id); got != len(data) {
		t.Fatalf("offset after completion %d", got)
	}
	if parts := left(t); len(parts) != 0 {
		t.Fatalf("parts left after completion: %v", parts)
	}
	if m := awaitMedia(t, a, acme.adminToken, videoID); m.Status != "ready" {
		t.Fatalf("media %+v", m)
	}
	body := a.Do(http.MethodGet, "/v1/videos/stream/"+strconv.FormatInt(videoID, 10), nil, acme.adminToken).Expect(t, http.StatusOK).Body
	if sha256.Sum256(body) != sha256.Sum256(data) {
		t.Fatal("streamed bytes differ from the source")
	}

	// Termination removes the parts and the upload.
	_, gone := c.create(len(data), tusMeta("name", "dropped"))
	c.patch(gone, 0, data[:1000]).Expect(t, http.StatusNoContent)
	a.Do(http.MethodDelete, "/v1/uploads/"+gone, nil, acme.adminToken, "Tus-Resumable: 1.0.0").Expect(t, http.StatusNoContent)
	a.Do(http.MethodGet, "/v1/uploads/"+gone, nil, acme.adminToken).Expect(t, http.StatusNotFound)
	if parts := left(t, gone); len(parts) != 0 {
		t.Fatalf("parts left after termination: %v", parts)
	}

	// Not a video: the final PATCH answers 415 and the upload is gone.
	junk := bytes.Repeat([]byte("plain text, not a video\n"), 100)
	_, nv := c.create(len(junk), tusMeta("name", "junk"))
	c.patch(nv, 0, junk).Expect(t, http.StatusUnsupportedMediaType)
	a.Do(http.MethodGet, "/v1/uploads/"+nv, nil, acme.adminToken).Expect(t, http.StatusNotFound)
	if parts := left(t, nv); len(parts) != 0 {
		t.Fatalf("parts left after a refused file: %v", parts)
	}
	return id, videoID, data
}

// An abandoned upload expires: it answers 404 at once, and the purge job deletes its
// parts and row.
func TestResumableUploadExpires(t *testing.T) {
	apptest.Each(t, map[string]string{"UPLOAD_EXPIRY": "1s"}, func(t *testing.T, a *apptest.App) {
		resumableUploadExpiry(t, a, localLeftovers(a))
	})
}

// resumableUploadExpiry abandons an upload on a until it expires, then runs the purge.
func resumableUploadExpiry(t *testing.T, a *apptest.App, left uploadLeftovers) {
	t.Helper()
	data := videoSample(t)
	acme := newVideoTenant(t, a, "acme", "FREE", nil)
	c := tusClient{t: t, a: a, token: acme.adminToken}
	_, id := c.create(len(data), tusMeta("name", "abandoned"))
	c.patch(id, 0, data[:5000]).Expect(t, http.StatusNoContent)
	time.Sleep(1100 * time.Millisecond)
	a.Do(http.MethodHead, "/v1/uploads/"+id, nil, acme.adminToken, "Tus-Resumable: 1.0.0").Expect(t, http.StatusNotFound)
	c.patch(id, 5000, data[5000:6000]).Expect(t, http.StatusNotFound)
	if len(left(t, id)) == 0 {
		t.Fatal("parts gone before the purge")
	}
	ran := false
	for _, j := range a.Jobs {
		if j.Name == "upload-expiry" {
			if err := j.Run(t.Context()); err != nil {
				t.Fatal(err)
			}
			ran = true
		}
	}
	if !ran {
		t.Fatal("no upload-expiry job")
	}
	if parts := left(t, id); len(parts) != 0 {
		t.Fatalf("parts left after the purge: %v", parts)
	}
	if n := apptestQueryInt(t, a, "SELECT count(*) FROM uploads"); n != 0 {
		t.Fatalf("%d upload rows left", n)
	}
}

// createWith answers a creation request whose body is the first chunk (tus
// creation-with-upload).
func (c tusClient) createWith(length int, meta string, chunk []byte, headers ...string) (res *apptest.Response, id string) {
	c.t.Helper()
	h := append([]string{"Tus-Resumable: 1.0.0", "Upload-Length: " + strconv.Itoa(length), "Upload-Metadata: " + meta,
		"Content-Type: application/offset+octet-stream"}, headers...)
	res = c.a.Do(http.MethodPost, "/v1/uploads", chunk, c.token, h...)
	if loc := res.Header.Get("Location"); res.Status == http.StatusCreated {
		id = loc[strings.LastIndex(loc, "/")+1:]
	}
	return res, id
}

// Creation with upload: a POST whose body is the first chunk answers its offset and the
// rest follows by PATCH; a POST carrying the whole file completes it at once and names
// the video; a chunk that does not match its checksum creates nothing. Refusals made
// before tusd runs (the guard's 401, another corporation's 404) carry the CORS headers of
// an allowed origin, so a browser can read them.
func TestResumableUploadCreationWithUploadAndCORS(t *testing.T) {
	const origin = "https://console.example.com"
	apptest.Each(t, map[string]string{"CORS_ORIGINS": origin, "MEDIA_PROCESSING": "off"}, func(t *testing.T, a *apptest.App) {
		data := videoSample(t)
		acme, other := newVideoTenant(t, a, "acme", "FREE", nil), newVideoTenant(t, a, "other", "FREE", nil)
		c := tusClient{t: t, a: a, token: acme.adminToken}

		first := 40000
		res, id := c.createWith(len(data), tusMeta("name", "In two parts"), data[:first], sha256Header(data[:first]))
		res.Expect(t, http.StatusCreated)
		if res.Header.Get("Upload-Offset") != strconv.Itoa(first) || res.Header.Get("Video-Id") != "" {
			t.Fatalf("creation with the first chunk: %v", res.Header)
		}
		if got := c.offset(id); got != first {
			t.Fatalf("offset %d, want %d", got, first)
		}
		done := c.patch(id, first, data[first:]).Expect(t, http.StatusNoContent)
		if done.Header.Get("Video-Id") == "" {
			t.Fatalf("final PATCH without Video-Id: %v", done.Header)
		}

		whole, wid := c.createWith(len(data), tusMeta("name", "In one request"), data, sha256Header(data))
		whole.Expect(t, http.StatusCreated)
		videoID, err := strconv.ParseInt(whole.Header.Get("Video-Id"), 10, 64)
		if err != nil || whole.Header.Get("Upload-Offset") != strconv.Itoa(len(data)) {
			t.Fatalf("creation with the whole file: %v", whole.Header)
		}
		var st uploadState
		a.Do(http.MethodGet, "/v1/uploads/"+wid, nil, acme.adminToken).Expect(t, http.StatusOK).JSON(t, &st)
		if st.VideoID == nil || *st.VideoID != videoID {
			t.Fatalf("state %+v, want video %d", st, videoID)
		}
		body := a.Do(http.MethodGet, "/v1/videos/stream/"+strconv.FormatInt(videoID, 10), nil, acme.adminToken).Expect(t, http.StatusOK).Body
		if sha256.Sum256(body) != sha256.Sum256(data) {
			t.Fatal("streamed bytes differ from the source")
		}

		before := apptestQueryInt(t, a, "SELECT count(*) FROM uploads")
		bad, _ := c.createWith(len(data), tusMeta("name", "Bad first chunk"), data[:first], sha256Header(data[:10]))
		if bad.Status != 460 {
			t.Fatalf("creation with a mismatching chunk: %d %s", bad.Status, bad.Body)
		}
		if loc := bad.Header.Get("Location"); loc != "" {
			t.Fatalf("a refused creation names an upload: %s", loc)
		}
		// tusd creates the upload before its body arrives: the mismatching chunk is
		// discarded and the empty upload, whose URL the client never got, is left to the
		// expiry purge.
		if after := apptestQueryInt(t, a, "SELECT count(*) FROM uploads"); after != before+1 {
			t.Fatalf("uploads before %d, after %d", before, after)
		}

		// CORS on refusals made before tusd runs.
		unsigned := a.Do(http.MethodHead, "/v1/uploads/"+id, nil, "", "Tus-Resumable: 1.0.0", "Origin: "+origin).Expect(t, http.StatusUnauthorized)
		foreign := a.Do(http.MethodPatch, "/v1/uploads/"+id, []byte("x"), other.adminToken, "Tus-Resumable: 1.0.0",
			"Upload-Offset: 0", "Content-Type: application/offset+octet-stream", "Origin: "+origin).Expect(t, http.StatusNotFound)
		for name, r := range map[string]*apptest.Response{"401": unsigned, "404": foreign} {
			if r.Header.Get("Access-Control-Allow-Origin") != origin {
				t.Fatalf("%s without Access-Control-Allow-Origin: %v", name, r.Header)
			}
		}
		if r := a.Do(http.MethodHead, "/v1/uploads/"+id, nil, "", "Tus-Resumable: 1.0.0", "Origin: https://evil.example"); r.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Fatalf("a foreign origin is allowed: %v", r.Header)
		}
		// A tusd answer to an allowed origin exposes the tus headers and Video-Id.
		cr := a.Do(http.MethodPost, "/v1/uploads", nil, acme.adminToken, "Tus-Resumable: 1.0.0", "Upload-Length: 10",
			"Upload-Metadata: "+tusMeta("name", "cors"), "Origin: "+origin).Expect(t, http.StatusCreated)
		if exp := cr.Header.Get("Access-Control-Expose-Headers"); !strings.Contains(exp, "Location") || !strings.Contains(exp, "Upload-Offset") || !strings.Contains(exp, "Video-Id") {
			t.Fatalf("exposed headers %q", exp)
		}
	})
}
