package stream

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"vms/modules/video/adapters/source"
	"vms/modules/video/domain"
)

// proxyPair starts an upstream running upHandler and a front server that fetches the
// upstream with the client's method and Range and answers through Proxy. Proxy's result
// is sent on the returned channel.
func proxyPair(t *testing.T, upHandler http.HandlerFunc) (front *httptest.Server, results chan error) {
	t.Helper()
	return proxyPairCtx(t, upHandler, false)
}

// proxyPairCtx is proxyPair; with detached, the upstream request does not end with the
// client's request, so only Proxy itself can release it.
func proxyPairCtx(t *testing.T, upHandler http.HandlerFunc, detached bool) (front *httptest.Server, results chan error) {
	t.Helper()
	up := httptest.NewServer(upHandler)
	t.Cleanup(up.Close)
	results = make(chan error, 1)
	front = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if detached {
			ctx = context.Background()
		}
		res, err := source.NewFetcher(true).Fetch(ctx, up.URL, domain.SourceRequest{Head: r.Method == http.MethodHead, Range: r.Header.Get("Range")})
		if err != nil {
			results <- err
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		_, err = Proxy(r.Context(), w, res, r.Method == http.MethodHead)
		results <- err
	}))
	t.Cleanup(front.Close)
	return front, results
}

func TestProxyPassesUsableStatuses(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		body   string
	}{{"ok", 200, "0123456789"}, {"partial", 206, "01234"}, {"not modified", 304, ""}, {"unsatisfiable", 416, ""}} {
		t.Run(tc.name, func(t *testing.T) {
			front, results := proxyPair(t, func(w http.ResponseWriter, r *http.Request) {
				h := w.Header()
				h.Set("Content-Type", "video/mp4")
				h.Set("ETag", `"up"`)
				h.Set("Last-Modified", "Mon, 02 Jan 2006 15:04:05 GMT")
				h.Set("Accept-Ranges", "bytes")
				h.Set("Set-Cookie", "session=secret")
				h.Set("Server", "upstream/1.0")
				switch tc.status {
				case 206:
					h.Set("Content-Range", "bytes 0-4/10")
				case 416:
					h.Set("Content-Range", "bytes */10")
				}
				w.WriteHeader(tc.status)
				_, _ = io.WriteString(w, tc.body)
			})
			res, err := front.Client().Get(front.URL)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if perr := <-results; perr != nil {
				t.Fatalf("Proxy: %v", perr)
			}
			if res.StatusCode != tc.status || string(body) != tc.body {
				t.Fatalf("got %d %q, want %d %q", res.StatusCode, body, tc.status, tc.body)
			}
			if res.Header.Get("Set-Cookie") != "" || res.Header.Get("Server") != "" {
				t.Errorf("unsafe headers passed: %v", res.Header)
			}
			if res.Header.Get("ETag") != `"up"` || res.Header.Get("Last-Modified") == "" {
				t.Errorf("validators missing: %v", res.Header)
			}
			if tc.status == 206 && res.Header.Get("Content-Range") != "bytes 0-4/10" {
				t.Errorf("Content-Range = %q", res.Header.Get("Content-Range"))
			}
			if tc.status == 416 && res.Header.Get("Content-Range") != "bytes */10" {
				t.Errorf("Content-Range = %q", res.Header.Get("Content-Range"))
			}
			if tc.status == 200 && (res.Header.Get("Content-Type") != "video/mp4" || res.Header.Get("Content-Length") != "10") {
				t.Errorf("entity headers = %v", res.Header)
			}
		})
	}
}

func TestProxyHeadHasNoBody(t *testing.T) {
	front, results := proxyPair(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "10")
		w.WriteHeader(200)
	})
	res, err := front.Client().Head(front.URL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if err := <-results; err != nil || res.StatusCode != 200 || res.ContentLength != 10 {
		t.Fatalf("status %d, length %d, err %v", res.StatusCode, res.ContentLength, err)
	}
}

func TestProxyStopsWhenClientLeaves(t *testing.T) {
	upstreamDone := make(chan struct{})
	front, results := proxyPair(t, func(w http.ResponseWriter, r *http.Request) {
		defer close(upstreamDone)
		w.Header().Set("Content-Type", "video/mp4")
		w.WriteHeader(200)
		chunk := make([]byte, 16<<10)
		for {
			if _, err := w.Write(chunk); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(time.Millisecond):
			}
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, front.URL, nil)
	res, err := front.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(res.Body, make([]byte, 64<<10)); err != nil {
		t.Fatal(err)
	}
	cancel()
	res.Body.Close()
	select {
	case perr := <-results:
		if perr == nil {
			t.Error("Proxy reported success for an abandoned stream")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Proxy kept copying after the client left")
	}
	select {
	case <-upstreamDone:
	case <-time.After(5 * time.Second):
		t.Fatal("upstream connection was not released")
	}
}

func TestProxyNeverServesActiveContent(t *testing.T) {
	for upstreamType, want := range map[string]string{
		"video/mp4":                        "video/mp4",
		"video/webm; codecs=vp9":           "video/webm; codecs=vp9",
		"audio/mpeg":                       "audio/mpeg",
		"application/vnd.apple.mpegurl":    "application/vnd.apple.mpegurl",
		"text/html; charset=utf-8":         "application/octet-stream",
		"image/svg+xml":                    "application/octet-stream",
		"application/javascript":           "application/octet-stream",
		"application/xhtml+xml":            "application/octet-stream",
		"":                                 "application/octet-stream",
		"not a type":                       "application/octet-stream",
		"multipart/byteranges; boundary=x": "multipart/byteranges; boundary=x",
	} {
		front, results := proxyPair(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header()["Content-Type"] = []string{upstreamType}
			_, _ = io.WriteString(w, "<script>alert(1)</script>")
		})
		res, err := front.Client().Get(front.URL)
		if err != nil {
			t.Fatal(err)
		}
		_ = res.Body.Close()
		if err := <-results; err != nil {
			t.Errorf("upstream %q: Proxy: %v", upstreamType, err)
		}
		if got := res.Header.Get("Content-Type"); got != want || res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("upstream %q: Content-Type = %q, want %q", upstreamType, got, want)
		}
	}
}

func TestProxyReleasesStalledUpstreamWhenClientLeaves(t *testing.T) {
	release := make(chan struct{})
	upstreamDone := make(chan struct{})
	front, results := proxyPairCtx(t, func(w http.ResponseWriter, r *http.Request) {
		defer close(upstreamDone)
		w.Header().Set("Content-Length", "1000000")
		w.WriteHeader(200)
		_, _ = w.Write(make([]byte, 1000))
		w.(http.Flusher).Flush()
		select { // stall: send nothing more until the connection goes away
		case <-r.Context().Done():
		case <-release:
		}
	}, true)
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, front.URL, nil)
	res, err := front.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadFull(res.Body, make([]byte, 1000)); err != nil {
		t.Fatal(err)
	}
	cancel()
	res.Body.Close()
	select {
	case perr := <-results:
		if perr == nil {
			t.Error("Proxy reported success for an abandoned stream")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Proxy stayed blocked on a stalled upstream after the client left")
	}
	select {
	case <-upstreamDone:
	case <-time.After(5 * time.Second):
		t.Fatal("upstream connection was not closed")
	}
}

// The Content-Length a client sees is the one Proxy writes: a recorder keeps it as set,
// where net/http's server would drop an invalid one before the wire.
func TestProxyContentLengthOnlyWhenKnown(t *testing.T) {
	for _, tc := range []struct {
		name     string
		status   int
		length   int64
		head     bool
		body     string   // the source's body
		wantBody string   // what the client gets
		want     []string // the Content-Length header values
	}{
		{"unknown length", 200, -1, false, "0123456789", "0123456789", nil},
		{"empty body", 200, 0, false, "", "", []string{"0"}},
		{"known length", 200, 10, false, "0123456789", "0123456789", []string{"10"}},
		{"partial", 206, 5, false, "01234", "01234", []string{"5"}},
		{"head", 200, 10, true, "0123456789", "", []string{"10"}},
		{"head of unknown length", 200, -1, true, "0123456789", "", nil},
		{"not modified", 304, 10, false, "0123456789", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			_, err := Proxy(context.Background(), rec, domain.SourceResponse{
				Status: tc.status, ContentLength: tc.length, ContentType: "video/mp4",
				Body: io.NopCloser(strings.NewReader(tc.body)),
			}, tc.head)
			if err != nil || rec.Code != tc.status || rec.Body.String() != tc.wantBody {
				t.Fatalf("got %d %q %v, want %d %q", rec.Code, rec.Body, err, tc.status, tc.wantBody)
			}
			if got := rec.Header().Values("Content-Length"); !slices.Equal(got, tc.want) {
				t.Fatalf("Content-Length = %q, want %q", got, tc.want)
			}
		})
	}
}

// failingBody sends its data, then fails with err.
type failingBody struct {
	data string
	err  error
}

func (b *failingBody) Read(p []byte) (int, error) {
	if b.data == "" {
		return 0, b.err
	}
	n := copy(p, b.data)
	b.data = b.data[n:]
	return n, nil
}

func (b *failingBody) Close() error { return nil }

func TestProxyReportsASourceFailure(t *testing.T) {
	broken := errors.New("connection reset by the source")
	rec := httptest.NewRecorder()
	_, err := Proxy(context.Background(), rec, domain.SourceResponse{
		Status: 200, ContentLength: 10, ContentType: "video/mp4", Body: &failingBody{data: "01234", err: broken},
	}, false)
	if !errors.Is(err, broken) || errors.Is(err, context.Canceled) {
		t.Fatalf("Proxy = %v, want the source's error", err)
	}
	if rec.Code != 200 || rec.Body.String() != "01234" {
		t.Fatalf("got %d %q, want the bytes sent before the failure", rec.Code, rec.Body)
	}
}

// A client that goes away closes the source body under a pending read: the read's failure
// is reported as the client leaving, not as a broken source.
func TestProxyReportsTheClientLeavingOverTheSourceFailure(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	body := &cancellingBody{cancel: cancel}
	_, err := Proxy(ctx, httptest.NewRecorder(), domain.SourceResponse{Status: 200, ContentLength: 10, ContentType: "video/mp4", Body: body}, false)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Proxy = %v, want the client's cancellation", err)
	}
}

// cancellingBody ends the request's context during its first read and fails the read, as
// a source body closed under a pending read by a leaving client does.
type cancellingBody struct{ cancel context.CancelFunc }

func (b *cancellingBody) Read([]byte) (int, error) {
	b.cancel()
	return 0, errors.New("read on closed body")
}

func (b *cancellingBody) Close() error { return nil }
