package e2e

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"vms/app/apptest"
)

type usageDay struct {
	Date        string `json:"date"`
	StoredBytes int64  `json:"stored_bytes"`
	EgressBytes int64  `json:"egress_bytes"`
	FirstViews  int64  `json:"first_views"`
	Uploads     int64  `json:"uploads"`
}

type usageReport struct {
	QuotaBytes    int64      `json:"quota_bytes"`
	UsedBytes     int64      `json:"used_bytes"`
	ReservedBytes int64      `json:"reserved_bytes"`
	Days          []usageDay `json:"days"`
}

type quotaProblem struct {
	Type      string `json:"type"`
	Status    int    `json:"status"`
	Quota     int64  `json:"quota"`
	Used      int64  `json:"used"`
	Requested int64  `json:"requested"`
}

func usageOf(t *testing.T, a *apptest.App, token string, corp int64) usageReport {
	t.Helper()
	var r usageReport
	a.Do(http.MethodGet, "/v1/corporations/"+strconv.FormatInt(corp, 10)+"/usage", nil, token).Expect(t, http.StatusOK).JSON(t, &r)
	return r
}

// today is the report's last day, today's figures.
func (r usageReport) today(t *testing.T) usageDay {
	t.Helper()
	if len(r.Days) != 30 || r.Days[29].Date != time.Now().UTC().Format(time.DateOnly) {
		t.Fatalf("the default period is not the last 30 days: %+v", r.Days)
	}
	return r.Days[29]
}

// awaitUsage polls the report until ok holds (counts are flushed every
// USAGE_FLUSH_INTERVAL).
func awaitUsage(t *testing.T, a *apptest.App, token string, corp int64, ok func(usageReport) bool) usageReport {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		r := usageOf(t, a, token, corp)
		if ok(r) {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("usage did not reach the expected figures: %+v", r)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func multipartUpload(t *testing.T, a *apptest.App, token, name string, data []byte) *apptest.Response {
	t.Helper()
	body, ct := multipartVideo(t, name, data)
	return a.Do(http.MethodPost, "/v1/videos", body, token, "Content-Type: "+ct)
}

// tusUpload creates a resumable upload carrying the whole file (creation-with-upload).
func tusUpload(t *testing.T, a *apptest.App, token, name string, data []byte) *apptest.Response {
	t.Helper()
	return a.Do(http.MethodPost, "/v1/uploads", data, token, "Tus-Resumable: 1.0.0", "Upload-Length: "+strconv.Itoa(len(data)),
		"Upload-Metadata: "+tusMeta("name", name), "Content-Type: application/offset+octet-stream")
}

func quotaRefusal(t *testing.T, r *apptest.Response) quotaProblem {
	t.Helper()
	var p quotaProblem
	r.Expect(t, http.StatusRequestEntityTooLarge).JSON(t, &p)
	if p.Type != "/problems/quota-exceeded" || p.Status != 413 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("quota refusal: %s", r.Body)
	}
	return p
}

var usageEnv = map[string]string{"MEDIA_PROCESSING": "off", "USAGE_FLUSH_INTERVAL": "100ms"}

func withEnv(base map[string]string, kv ...string) map[string]string {
	out := map[string]string{}
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i]] = kv[i+1]
	}
	return out
}

// Over the FREE quota both upload routes answer 413 quota-exceeded with the figures and
// store nothing; refused, terminated and not-a-video uploads give their reservation back;
// PAID has no limit, and a PAID plan that expires over the FREE quota keeps its videos
// but cannot upload.
func TestUsageQuotaRefusals(t *testing.T) {
	apptest.Each(t, withEnv(usageEnv, "FREE_STORAGE_QUOTA", "150000"), func(t *testing.T, a *apptest.App) {
		data := videoSample(t)
		size := int64(len(data))
		acme := newVideoTenant(t, a, "acme", "FREE", nil)
		multipartUpload(t, a, acme.adminToken, "first", data).Expect(t, http.StatusCreated)
		if r := usageOf(t, a, acme.adminToken, acme.corpID); r.QuotaBytes != 150000 || r.UsedBytes != size || r.ReservedBytes != 0 {
			t.Fatalf("after one upload: %+v", r)
		}

		body, ct := multipartVideo(t, "second", data)
		declared := int64(body.Len())
		p := quotaRefusal(t, a.Do(http.MethodPost, "/v1/videos", body, acme.adminToken, "Content-Type: "+ct))
		if p.Quota != 150000 || p.Used != size || p.Requested != declared {
			t.Fatalf("multipart refusal %+v, want quota 150000, used %d, requested %d", p, size, declared)
		}
		p = quotaRefusal(t, tusUpload(t, a, acme.adminToken, "third", data))
		if p.Quota != 150000 || p.Used != size || p.Requested != size {
			t.Fatalf("tus refusal %+v", p)
		}
		if n := len(videoFiles(t, a)); n != 1 {
			t.Fatalf("%d stored files after the refusals, want 1", n)
		}
		if n := apptestQueryInt(t, a, "SELECT count(*) FROM uploads"); n != 0 {
			t.Fatalf("%d upload rows after a refused creation", n)
		}

		// A creation reserves its length until it is terminated.
		c := tusClient{t: t, a: a, token: acme.adminToken}
		res, id := c.create(50000, tusMeta("name", "pending"))
		res.Expect(t, http.StatusCreated)
		if r := usageOf(t, a, acme.adminToken, acme.corpID); r.ReservedBytes != 50000 {
			t.Fatalf("reserved %d, want 50000", r.ReservedBytes)
		}
		quotaRefusal(t, func() *apptest.Response { r, _ := c.create(20000, tusMeta("name", "x")); return r }())
		a.Do(http.MethodDelete, "/v1/uploads/"+id, nil, acme.adminToken, "Tus-Resumable: 1.0.0").Expect(t, http.StatusNoContent)
		// A completed file that is not a video releases its reservation too.
		notVideo := bytes.Repeat([]byte("plain text "), 100)
		tusUpload(t, a, acme.adminToken, "text", notVideo).Expect(t, http.StatusUnsupportedMediaType)
		if r := usageOf(t, a, acme.adminToken, acme.corpID); r.ReservedBytes != 0 || r.UsedBytes != size {
			t.Fatalf("after termination and a refused file: %+v", r)
		}
		if r, _ := c.create(60000, tusMeta("name", "fits again")); r.Status != http.StatusCreated {
			t.Fatalf("the released space is not free again: %d %s", r.Status, r.Body)
		}

		// PAID: no limit (PAID_STORAGE_QUOTA 0).
		future := time.Now().Add(30 * 24 * time.Hour)
		rich := newVideoTenant(t, a, "rich", "PAID", &future)
		for i := range 2 {
			tusUpload(t, a, rich.adminToken, "paid "+strconv.Itoa(i), data).Expect(t, http.StatusCreated)
		}
		if r := usageOf(t, a, rich.adminToken, rich.corpID); r.QuotaBytes != 0 || r.UsedBytes != 2*size {
			t.Fatalf("PAID usage %+v", r)
		}
		// The plan expires (the effective plan is FREE at once, before the expiry job).
		if err := a.DB.Gorm.Exec("UPDATE corporations SET plan_expired_at = ? WHERE id = ?", time.Now().Add(-time.Minute).UTC(), rich.corpID).Error; err != nil {
			t.Fatal(err)
		}
		p = quotaRefusal(t, multipartUpload(t, a, rich.adminToken, "after expiry", data))
		if p.Quota != 150000 || p.Used != 2*size {
			t.Fatalf("expired plan refusal %+v", p)
		}
		var list []struct{ ID int64 }
		a.Do(http.MethodGet, "/v1/videos/"+strconv.FormatInt(rich.corpID, 10), nil, rich.adminToken).Expect(t, http.StatusOK).JSON(t, &list)
		if len(list) != 2 {
			t.Fatalf("the expired corporation lists %d videos, want its 2", len(list))
		}
		// A deleted video keeps counting: it can be restored.
		a.Do(http.MethodDelete, "/v1/videos/"+strconv.FormatInt(list[0].ID, 10), nil, rich.adminToken).Expect(t, http.StatusNoContent)
		if r := usageOf(t, a, rich.adminToken, rich.corpID); r.UsedBytes != 2*size || r.QuotaBytes != 150000 {
			t.Fatalf("after a delete: %+v", r)
		}
	})
}

// Twenty uploads race for a nearly full quota, half multipart and half tus: exactly those
// that fit succeed and the corporation never stores more than its quota.
func TestUsageConcurrentUploadsNeverOvershoot(t *testing.T) {
	const quota = 500000
	apptest.Each(t, withEnv(usageEnv, "FREE_STORAGE_QUOTA", strconv.Itoa(quota)), func(t *testing.T, a *apptest.App) {
		data := videoSample(t)
		size := int64(len(data))
		acme := newVideoTenant(t, a, "acme", "FREE", nil)
		multipartUpload(t, a, acme.adminToken, "seed", data).Expect(t, http.StatusCreated)
		// 411 075 bytes are free: four more uploads fit (each reserves at most ~89 KiB), not five.
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			statuses = map[int]int{}
		)
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var r *apptest.Response
				if i%2 == 0 {
					r = multipartUpload(t, a, acme.adminToken, "racer "+strconv.Itoa(i), data)
				} else {
					r = tusUpload(t, a, acme.adminToken, "racer "+strconv.Itoa(i), data)
				}
				if r.Status == http.StatusRequestEntityTooLarge {
					quotaRefusal(t, r)
				}
				mu.Lock()
				statuses[r.Status]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		if statuses[http.StatusCreated] != 4 || statuses[http.StatusRequestEntityTooLarge] != 16 {
			t.Fatalf("statuses %v, want 4 × 201 and 16 × 413", statuses)
		}
		r := usageOf(t, a, acme.adminToken, acme.corpID)
		if r.UsedBytes != 5*size || r.UsedBytes > quota || r.ReservedBytes != 0 {
			t.Fatalf("usage %+v, want %d used and nothing reserved", r, 5*size)
		}
		if n := apptestQueryInt(t, a, "SELECT count(*) FROM videos WHERE corporation_id = ?", acme.corpID); n != 5 {
			t.Fatalf("%d videos, want 5", n)
		}
		if n := len(videoFiles(t, a)); n != 5 {
			t.Fatalf("%d stored files, want 5", n)
		}
		if r.today(t).Uploads != 5 {
			t.Fatalf("uploads today %+v", r.today(t))
		}
	})
}

// bigVideo is the sample followed by padding: a file that sniffs as a video and is large
// enough that a client hanging up early leaves most of it unsent.
func bigVideo(t *testing.T, n int) []byte {
	t.Helper()
	data := videoSample(t)
	return append(data, make([]byte, n-len(data))...)
}

// Egress counts what stream responses wrote: a range, a client that hangs up early (what
// it got), a proxied source; first views and uploads are counted per day; the report and
// /metrics show them.
func TestUsageMetering(t *testing.T) {
	source := bytes.Repeat([]byte("0123456789"), 500)
	src := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "video/mp4")
		http.ServeContent(w, r, "clip.mp4", time.Time{}, bytes.NewReader(source))
	}))
	defer src.Close()
	apptest.Each(t, withEnv(usageEnv, "ALLOW_PRIVATE_SOURCES", "true"), func(t *testing.T, a *apptest.App) {
		acme := newVideoTenant(t, a, "acme", "FREE", nil)
		big := bigVideo(t, 32<<20)
		var v struct{ ID int64 }
		multipartUpload(t, a, acme.adminToken, "big", big).Expect(t, http.StatusCreated).JSON(t, &v)
		sid := strconv.FormatInt(v.ID, 10)

		// A range: its 1024 bytes, and the guest's first view.
		a.Do(http.MethodGet, "/v1/videos/stream/"+sid, nil, acme.guestToken, "Range: bytes=0-1023").Expect(t, http.StatusPartialContent)
		r := awaitUsage(t, a, acme.adminToken, acme.corpID, func(r usageReport) bool { return r.Days[29].EgressBytes >= 1024 })
		if d := r.today(t); d.EgressBytes != 1024 || d.FirstViews != 1 || d.Uploads != 1 || d.StoredBytes != int64(len(big)) || r.UsedBytes != int64(len(big)) {
			t.Fatalf("after a range: %+v (used %d)", d, r.UsedBytes)
		}

		// A client that reads 64 KiB of the whole file and hangs up is charged what the
		// server wrote before it noticed: at least what the client read, far from all.
		req, _ := http.NewRequest(http.MethodGet, a.BaseURL+"/v1/videos/stream/"+sid, nil)
		req.Header.Set("Authorization", "Bearer "+acme.guestToken)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.ReadFull(res.Body, make([]byte, 64<<10)); err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		r = awaitUsage(t, a, acme.adminToken, acme.corpID, func(r usageReport) bool { return r.Days[29].EgressBytes >= 1024+64<<10 })
		time.Sleep(300 * time.Millisecond) // the response has ended; let its count settle
		hungUp := r.today(t).EgressBytes - 1024
		r = usageOf(t, a, acme.adminToken, acme.corpID)
		if got := r.today(t).EgressBytes - 1024; got != hungUp || got < 64<<10 || got >= int64(len(big)) {
			t.Fatalf("a client hanging up after 64 KiB of %d bytes was charged %d (then %d)", len(big), hungUp, got)
		}
		t.Logf("a client that read 64 KiB of %d bytes and hung up was charged %d bytes", len(big), hungUp)

		// A proxied source URL.
		var u struct{ ID int64 }
		a.Do(http.MethodPost, "/v1/videos", map[string]string{"name": "remote", "file_path": src.URL + "/clip.mp4"}, acme.adminToken).
			Expect(t, http.StatusCreated).JSON(t, &u)
		a.Do(http.MethodGet, "/v1/videos/stream/"+strconv.FormatInt(u.ID, 10), nil, acme.guestToken).Expect(t, http.StatusOK)
		want := 1024 + hungUp + int64(len(source))
		r = awaitUsage(t, a, acme.adminToken, acme.corpID, func(r usageReport) bool { return r.Days[29].EgressBytes >= want })
		if d := r.today(t); d.EgressBytes != want || d.FirstViews != 2 || d.Uploads != 1 {
			t.Fatalf("after a proxied source: %+v, want %d egress bytes and 2 first views", d, want)
		}
		if d := r.Days[28]; d.EgressBytes != 0 || d.StoredBytes != 0 || d.Uploads != 0 {
			t.Fatalf("yesterday %+v", d)
		}

		// /metrics: totals without a label per corporation.
		m := string(a.Do(http.MethodGet, "/metrics", nil, "").Expect(t, http.StatusOK).Body)
		for name, value := range map[string]int64{"vms_usage_egress_bytes_total": want, "vms_usage_first_views_total": 2,
			"vms_usage_stored_bytes": int64(len(big)), "vms_usage_reserved_bytes": 0} {
			if got := metricValue(t, m, name); got != float64(value) {
				t.Errorf("%s = %v, want %d", name, got, value)
			}
		}
	})
}

// metricValue reads the value of an unlabelled metric from a Prometheus text answer.
func metricValue(t *testing.T, body, name string) float64 {
	t.Helper()
	for _, line := range strings.Split(body, "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("%s: %v", line, err)
			}
			return f
		}
	}
	t.Fatalf("/metrics has no %s", name)
	return 0
}

// Derived files (poster, HLS) count with the originals, as stored; processing again
// replaces them. HLS segments count as egress.
func TestUsageCountsDerivedFiles(t *testing.T) {
	env := map[string]string{"MEDIA_PROCESSING": "required", "HLS_LADDER": "144,240", "USAGE_FLUSH_INTERVAL": "100ms"}
	apptest.Each(t, env, func(t *testing.T, a *apptest.App) {
		acme := newVideoTenant(t, a, "acme", "FREE", nil)
		id := videoUpload(t, a, acme.adminToken, "clip", videoSample(t))
		sid := strconv.FormatInt(id, 10)
		if m := awaitMedia(t, a, acme.adminToken, id); m.Status != "ready" || m.HLSURL == nil {
			t.Fatalf("media %+v", m)
		}
		stored := func() int64 {
			var n int64
			for _, f := range videoFiles(t, a) {
				st, err := os.Stat(f)
				if err != nil {
					t.Fatal(err)
				}
				n += st.Size()
			}
			return n
		}
		first := stored()
		if r := usageOf(t, a, acme.adminToken, acme.corpID); r.UsedBytes != first || first <= int64(len(videoSample(t))) {
			t.Fatalf("used %d, stored files %d", r.UsedBytes, first)
		}

		a.Do(http.MethodPost, "/v1/videos/"+sid+"/process", nil, acme.adminToken).Expect(t, http.StatusAccepted)
		awaitMedia(t, a, acme.adminToken, id)
		// The old files are deleted once the new set commits.
		deadline := time.Now().Add(10 * time.Second)
		for {
			r := usageOf(t, a, acme.adminToken, acme.corpID)
			if s := stored(); r.UsedBytes == s {
				break
			} else if time.Now().After(deadline) {
				t.Fatalf("after processing again: used %d, stored files %d", r.UsedBytes, s)
			}
			time.Sleep(50 * time.Millisecond)
		}

		seg := a.Do(http.MethodGet, "/v1/videos/"+sid+"/hls/240p/seg_00001.m4s", nil, acme.guestToken).Expect(t, http.StatusOK)
		r := awaitUsage(t, a, acme.adminToken, acme.corpID, func(r usageReport) bool { return r.Days[29].EgressBytes >= int64(len(seg.Body)) })
		if d := r.today(t); d.EgressBytes != int64(len(seg.Body)) || d.FirstViews != 1 {
			t.Fatalf("after a segment of %d bytes: %+v", len(seg.Body), d)
		}
	})
}

// Only the corporation's admins read its usage; the period is checked.
func TestUsageAuthorization(t *testing.T) {
	apptest.Each(t, usageEnv, func(t *testing.T, a *apptest.App) {
		acme, other := newVideoTenant(t, a, "acme", "FREE", nil), newVideoTenant(t, a, "other", "FREE", nil)
		path := "/v1/corporations/" + strconv.FormatInt(acme.corpID, 10) + "/usage"
		a.Do(http.MethodGet, path, nil, "").Expect(t, http.StatusUnauthorized)
		a.Do(http.MethodGet, path, nil, acme.guestToken).Expect(t, http.StatusForbidden)
		a.Do(http.MethodGet, path, nil, other.adminToken).Expect(t, http.StatusNotFound)
		a.Do(http.MethodGet, "/v1/corporations/999999/usage", nil, acme.adminToken).Expect(t, http.StatusNotFound)
		a.Do(http.MethodGet, "/v1/corporations/abc/usage", nil, acme.adminToken).Expect(t, http.StatusBadRequest)
		a.Do(http.MethodGet, path+"?from=2026-02-30", nil, acme.adminToken).Expect(t, http.StatusUnprocessableEntity)
		a.Do(http.MethodGet, path+"?from=2025-01-01&to=2026-01-02", nil, acme.adminToken).Expect(t, http.StatusUnprocessableEntity)
		var r usageReport
		a.Do(http.MethodGet, path+"?from=2025-01-01&to=2025-12-31", nil, acme.adminToken).Expect(t, http.StatusOK).JSON(t, &r)
		if len(r.Days) != 365 || r.Days[0].Date != "2025-01-01" || r.QuotaBytes != 10<<30 || r.UsedBytes != 0 {
			t.Fatalf("a year of a new corporation: %d days from %s, quota %d, used %d", len(r.Days), r.Days[0].Date, r.QuotaBytes, r.UsedBytes)
		}
	})
}
