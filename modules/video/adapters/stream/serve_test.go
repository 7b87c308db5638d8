package stream

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"vms/modules/video/domain"
)

const testSize = 1000

var (
	testModTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	testData    = func() []byte {
		b := make([]byte, testSize)
		for i := range b {
			b[i] = byte(i % 251)
		}
		return b
	}()
)

func serveTestData(w http.ResponseWriter, r *http.Request) {
	serveContent(w, r, "video/mp4", testModTime, `"abc"`, bytes.NewReader(testData), int64(len(testData)))
}

// serveContent plans r against the representation as the stream use case does and
// writes the answer as the stream handler does.
func serveContent(w http.ResponseWriter, r *http.Request, ctype string, modtime time.Time, etag string, content io.ReadSeeker, size int64) {
	h := r.Header
	req := domain.StreamRequest{
		Head: r.Method == http.MethodHead, IfRange: h.Get("If-Range"), IfMatch: h.Get("If-Match"),
		IfNoneMatch: h.Get("If-None-Match"), IfModifiedSince: h.Get("If-Modified-Since"), IfUnmodifiedSince: h.Get("If-Unmodified-Since"),
	}
	if v := h.Values("Range"); len(v) == 1 {
		req.Range = v[0]
	}
	plan, err := domain.PlanContent(req, domain.Representation{Size: size, ETag: etag, LastModified: modtime})
	if err != nil || plan.Status == http.StatusPreconditionFailed {
		w.Header().Set("Accept-Ranges", "bytes")
	}
	if err != nil {
		w.Header().Set("Content-Range", "bytes */"+strconv.FormatInt(size, 10))
		w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
		return
	}
	if plan.Status == http.StatusPreconditionFailed {
		w.WriteHeader(plan.Status)
		return
	}
	s := domain.Stream{Kind: domain.StreamContent, Status: plan.Status, Ranges: plan.Ranges, Size: size, ETag: etag, LastModified: modtime, ContentType: ctype}
	if !req.Head && plan.Status != http.StatusNotModified {
		s.Content = nopCloser{content}
	}
	_, _ = WriteContent(w, s)
}

type nopCloser struct{ io.ReadSeeker }

func (nopCloser) Close() error { return nil }

type rangeCase struct {
	name          string
	method        string
	header        map[string]string
	status        int
	contentRange  string
	contentLength string
	body          []byte
}

func rangeCases() []rangeCase {
	full := testData
	lm := testModTime.Format(http.TimeFormat)
	return []rangeCase{
		{name: "full", status: 200, contentLength: "1000", body: full},
		{name: "first 100", header: map[string]string{"Range": "bytes=0-99"}, status: 206, contentRange: "bytes 0-99/1000", contentLength: "100", body: full[:100]},
		{name: "open end", header: map[string]string{"Range": "bytes=100-"}, status: 206, contentRange: "bytes 100-999/1000", contentLength: "900", body: full[100:]},
		{name: "suffix", header: map[string]string{"Range": "bytes=-100"}, status: 206, contentRange: "bytes 900-999/1000", contentLength: "100", body: full[900:]},
		{name: "suffix longer than content", header: map[string]string{"Range": "bytes=-5000"}, status: 206, contentRange: "bytes 0-999/1000", contentLength: "1000", body: full},
		{name: "end clamped", header: map[string]string{"Range": "bytes=990-99999"}, status: 206, contentRange: "bytes 990-999/1000", contentLength: "10", body: full[990:]},
		{name: "last byte", header: map[string]string{"Range": "bytes=999-999"}, status: 206, contentRange: "bytes 999-999/1000", contentLength: "1", body: full[999:]},
		{name: "zero suffix", header: map[string]string{"Range": "bytes=-0"}, status: 416, contentRange: "bytes */1000"},
		{name: "beyond end", header: map[string]string{"Range": "bytes=1000-2000"}, status: 416, contentRange: "bytes */1000"},
		{name: "huge first position", header: map[string]string{"Range": "bytes=99999999999999999999999-"}, status: 416, contentRange: "bytes */1000"},
		{name: "garbage spec", header: map[string]string{"Range": "bytes=abc"}, status: 416, contentRange: "bytes */1000"},
		{name: "last before first", header: map[string]string{"Range": "bytes=500-100"}, status: 416, contentRange: "bytes */1000"},
		{name: "negative", header: map[string]string{"Range": "bytes=--5"}, status: 416, contentRange: "bytes */1000"},
		{name: "empty set", header: map[string]string{"Range": "bytes="}, status: 416, contentRange: "bytes */1000"},
		{name: "unknown unit ignored", header: map[string]string{"Range": "items=0-1"}, status: 200, contentLength: "1000", body: full},
		{name: "no unit ignored", header: map[string]string{"Range": "0-1"}, status: 200, contentLength: "1000", body: full},
		{name: "unit case-insensitive", header: map[string]string{"Range": "Bytes=0-1"}, status: 206, contentRange: "bytes 0-1/1000", contentLength: "2", body: full[:2]},
		{name: "unsatisfiable part dropped", header: map[string]string{"Range": "bytes=-0, 5-9"}, status: 206, contentRange: "bytes 5-9/1000", contentLength: "5", body: full[5:10]},
		{name: "too many ranges ignored", header: map[string]string{"Range": "bytes=" + strings.Repeat("0-0,", 17) + "0-0"}, status: 200, contentLength: "1000", body: full},
		{name: "if-range strong match", header: map[string]string{"Range": "bytes=0-9", "If-Range": `"abc"`}, status: 206, contentRange: "bytes 0-9/1000", contentLength: "10", body: full[:10]},
		{name: "if-range weak", header: map[string]string{"Range": "bytes=0-9", "If-Range": `W/"abc"`}, status: 200, contentLength: "1000", body: full},
		{name: "if-range stale", header: map[string]string{"Range": "bytes=0-9", "If-Range": `"old"`}, status: 200, contentLength: "1000", body: full},
		{name: "if-range date match", header: map[string]string{"Range": "bytes=0-9", "If-Range": lm}, status: 206, contentRange: "bytes 0-9/1000", contentLength: "10", body: full[:10]},
		{name: "if-range stale with unsatisfiable range", header: map[string]string{"Range": "bytes=-0", "If-Range": `"old"`}, status: 200, contentLength: "1000", body: full},
		{name: "head", method: http.MethodHead, status: 200, contentLength: "1000"},
		{name: "head with range", method: http.MethodHead, header: map[string]string{"Range": "bytes=0-99"}, status: 200, contentLength: "1000"},
		{name: "if-none-match", header: map[string]string{"If-None-Match": `"abc"`}, status: 304},
		{name: "if-none-match weak", header: map[string]string{"If-None-Match": `W/"abc"`}, status: 304},
		{name: "if-none-match other", header: map[string]string{"If-None-Match": `"zzz"`}, status: 200, contentLength: "1000", body: full},
		{name: "if-modified-since", header: map[string]string{"If-Modified-Since": lm}, status: 304},
		{name: "if-modified-since older", header: map[string]string{"If-Modified-Since": testModTime.Add(-time.Hour).Format(http.TimeFormat)}, status: 200, contentLength: "1000", body: full},
		{name: "if-match", header: map[string]string{"If-Match": `"abc"`, "Range": "bytes=0-0"}, status: 206, contentRange: "bytes 0-0/1000", contentLength: "1", body: full[:1]},
		{name: "if-match other", header: map[string]string{"If-Match": `"zzz"`}, status: 412},
		{name: "if-unmodified-since older", header: map[string]string{"If-Unmodified-Since": testModTime.Add(-time.Hour).Format(http.TimeFormat)}, status: 412},
		{name: "overlapping ranges beyond the size ignored", header: map[string]string{"Range": "bytes=0-999,0-999"}, status: 200, contentLength: "1000", body: full},
	}
}

func TestServeContentRanges(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(serveTestData))
	defer srv.Close()
	for _, tc := range rangeCases() {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = http.MethodGet
			}
			req, _ := http.NewRequest(method, srv.URL, nil)
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			res, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			got, err := io.ReadAll(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			if res.StatusCode != tc.status {
				t.Fatalf("status = %d, want %d (body %q)", res.StatusCode, tc.status, got)
			}
			if cr := res.Header.Get("Content-Range"); cr != tc.contentRange {
				t.Errorf("Content-Range = %q, want %q", cr, tc.contentRange)
			}
			if tc.contentLength != "" {
				if cl := res.Header.Get("Content-Length"); cl != tc.contentLength {
					t.Errorf("Content-Length = %q, want %q", cl, tc.contentLength)
				}
			}
			if tc.body != nil && !bytes.Equal(got, tc.body) {
				t.Errorf("body has %d bytes, want %d matching bytes", len(got), len(tc.body))
			}
			if tc.status == 304 || method == http.MethodHead || tc.status == 416 {
				if tc.status != 416 && len(got) != 0 {
					t.Errorf("body has %d bytes, want none", len(got))
				}
			}
			if res.Header.Get("Accept-Ranges") != "bytes" && tc.status != 304 {
				t.Errorf("Accept-Ranges = %q", res.Header.Get("Accept-Ranges"))
			}
			if tc.status == 200 || tc.status == 206 {
				assertEntityHeaders(t, res.Header)
			}
		})
	}
}

func assertEntityHeaders(t *testing.T, h http.Header) {
	t.Helper()
	if got := h.Get("ETag"); got != `"abc"` {
		t.Errorf("ETag = %q", got)
	}
	if got := h.Get("Last-Modified"); got != testModTime.Format(http.TimeFormat) {
		t.Errorf("Last-Modified = %q", got)
	}
	if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q", got)
	}
	if got := h.Get("Content-Type"); got != "video/mp4" {
		t.Errorf("Content-Type = %q", got)
	}
	if got := h.Get("Content-Encoding"); got != "" {
		t.Errorf("Content-Encoding = %q", got)
	}
}

func TestServeContentMultiRange(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(serveTestData))
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL, nil)
	req.Header.Set("Range", "bytes=0-9, 20-29")
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 206 {
		t.Fatalf("status = %d", res.StatusCode)
	}
	mt, params, err := mime.ParseMediaType(res.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/byteranges" {
		t.Fatalf("Content-Type = %q (%v)", res.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(res.Body, params["boundary"])
	want := []struct {
		cr   string
		body []byte
	}{{"bytes 0-9/1000", testData[:10]}, {"bytes 20-29/1000", testData[20:30]}}
	for i, w := range want {
		p, err := mr.NextPart()
		if err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
		if p.Header.Get("Content-Range") != w.cr || p.Header.Get("Content-Type") != "video/mp4" {
			t.Errorf("part %d headers = %v", i, p.Header)
		}
		b, _ := io.ReadAll(p)
		if !bytes.Equal(b, w.body) {
			t.Errorf("part %d body = %v", i, b)
		}
	}
	if _, err := mr.NextPart(); err != io.EOF {
		t.Errorf("extra part: %v", err)
	}
}

func TestWriteContentDefaultsAndUnknownValidators(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		serveContent(w, r, "", time.Time{}, "", bytes.NewReader([]byte("<html>hi</html>")), 15)
	}))
	defer srv.Close()
	res, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if got := res.Header.Get("Content-Type"); got != "application/octet-stream" {
		t.Errorf("Content-Type = %q", got)
	}
	if res.Header.Get("Content-Encoding") != "" || res.Header.Get("ETag") != "" || res.Header.Get("Last-Modified") != "" {
		t.Errorf("unexpected headers %v", res.Header)
	}
	if string(body) != "<html>hi</html>" || res.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
		t.Errorf("body %q, length %q", body, res.Header.Get("Content-Length"))
	}
}

func TestWriteContentMultiRangeHead(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s := domain.Stream{Kind: domain.StreamContent, Status: 206, Ranges: []domain.ByteRange{{First: 0, Last: 9}, {First: 20, Last: 29}}, Size: testSize, ContentType: "video/mp4"}
		if r.Method == http.MethodGet {
			s.Content = nopCloser{bytes.NewReader(testData)}
		}
		_, _ = WriteContent(w, s)
	}))
	defer srv.Close()
	get, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(get.Body)
	get.Body.Close()
	head, err := srv.Client().Head(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	head.Body.Close()
	if get.ContentLength != int64(len(body)) || head.ContentLength != get.ContentLength || head.StatusCode != 206 {
		t.Fatalf("GET length %d for %d bytes; HEAD %d length %d", get.ContentLength, len(body), head.StatusCode, head.ContentLength)
	}
}

// A 304 carries the validators a cache updates with (RFC 9110 §15.4.5): the ETag, and
// Last-Modified only when there is no ETag; never the entity's type or length.
func TestWriteContentNotModifiedValidators(t *testing.T) {
	lm := testModTime.Format(http.TimeFormat)
	for _, tc := range []struct {
		name             string
		etag             string
		wantETag, wantLM string
	}{
		{"etag and date", `"abc"`, `"abc"`, ""},
		{"date only", "", "", lm},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "text/plain")
				_, _ = WriteContent(w, domain.Stream{Kind: domain.StreamContent, Status: 304, Size: testSize, ETag: tc.etag, LastModified: testModTime, ContentType: "video/mp4"})
			}))
			defer srv.Close()
			res, err := srv.Client().Get(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			h := res.Header
			if res.StatusCode != 304 || h.Get("ETag") != tc.wantETag || h.Get("Last-Modified") != tc.wantLM {
				t.Fatalf("status %d, ETag %q, Last-Modified %q; want 304 %q %q", res.StatusCode, h.Get("ETag"), h.Get("Last-Modified"), tc.wantETag, tc.wantLM)
			}
			if h.Get("Content-Type") != "" || h.Get("Content-Length") != "" {
				t.Fatalf("entity headers on a 304: %v", h)
			}
		})
	}
}

// The error WriteContent returns is for logging a failed answer: a complete one has none.
func TestWriteContentCompleteAnswersReportNoError(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		ranges []domain.ByteRange
	}{
		{"whole", 200, nil},
		{"one range", 206, []domain.ByteRange{{First: 10, Last: 19}}},
		{"several ranges", 206, []domain.ByteRange{{First: 0, Last: 9}, {First: 20, Last: 29}}},
		{"not modified", 304, nil},
	} {
		rec := httptest.NewRecorder()
		_, err := WriteContent(rec, domain.Stream{Kind: domain.StreamContent, Status: tc.status, Ranges: tc.ranges, Size: testSize, ContentType: "video/mp4", Content: nopCloser{bytes.NewReader(testData)}})
		if err != nil || rec.Code != tc.status {
			t.Errorf("%s: %d %v", tc.name, rec.Code, err)
		}
		if n, _ := strconv.Atoi(rec.Header().Get("Content-Length")); tc.status != 304 && n != rec.Body.Len() {
			t.Errorf("%s: Content-Length %d for %d bytes", tc.name, n, rec.Body.Len())
		}
	}
}
