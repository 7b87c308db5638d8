package source

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"vms/modules/video/domain"
	"vms/platform/kind"
)

// countingServer is an httptest server on 127.0.0.1 that counts requests and records
// the last request's headers.
type countingServer struct {
	*httptest.Server
	hits   atomic.Int64
	header atomic.Pointer[http.Header]
}

func newCountingServer(t *testing.T, h http.HandlerFunc) *countingServer {
	t.Helper()
	s := &countingServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		hdr := r.Header.Clone()
		s.header.Store(&hdr)
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func TestFetchPassesOnlyRangeHeaders(t *testing.T) {
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Range", "bytes 0-4/10")
		w.WriteHeader(http.StatusPartialContent)
		_, _ = io.WriteString(w, "01234")
	})
	in := domain.SourceRequest{Range: "bytes=0-4", IfRange: `"v1"`, IfNoneMatch: `"v0"`}
	res, err := NewFetcher(true).Fetch(context.Background(), srv.URL+"/video.mp4", in)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.Status != http.StatusPartialContent || string(body) != "01234" || res.ContentRange != "bytes 0-4/10" || res.ContentLength != 5 {
		t.Fatalf("got %+v %q", res, body)
	}
	got := *srv.header.Load()
	for name, want := range map[string]string{
		"Range": "bytes=0-4", "If-Range": `"v1"`, "If-None-Match": `"v0"`, "If-Modified-Since": "",
		"User-Agent": "vms", "Accept-Encoding": "identity",
		"Authorization": "", "Cookie": "", "X-Forwarded-For": "",
	} {
		if got.Get(name) != want {
			t.Errorf("upstream saw %s = %q, want %q", name, got.Get(name), want)
		}
	}
}

func TestFetchDoesNotFollowRedirects(t *testing.T) {
	internal := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "metadata secrets")
	})
	for _, target := range []string{internal.URL + "/latest/meta-data/", "http://169.254.169.254/latest/meta-data/"} {
		redirector := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target, http.StatusFound)
		})
		res, err := NewFetcher(true).Fetch(context.Background(), redirector.URL, domain.SourceRequest{})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.Status != http.StatusFound {
			t.Errorf("got %d, want the 302 itself", res.Status)
		}
	}
	if n := internal.hits.Load(); n != 0 {
		t.Errorf("redirect target was requested %d times", n)
	}
}

func TestFetchRefusesLoopbackNameAtDialTime(t *testing.T) {
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {})
	f := NewFetcher(false)
	url := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	if err := f.Validate(url); err != nil {
		t.Fatalf("a DNS name passes validation and is judged at dial time: %v", err)
	}
	_, err := f.Fetch(context.Background(), url, domain.SourceRequest{})
	if kind.Of(err).String() != "bad_gateway" || !errors.Is(err, errRefusedAddress) {
		t.Fatalf("err = %v, want a bad_gateway refusal", err)
	}
	if strings.Contains(err.Error(), "127.0.0.1") {
		t.Errorf("error message reveals the resolved address: %q", err)
	}
	_, err = f.Fetch(context.Background(), srv.URL, domain.SourceRequest{})
	if kind.Of(err).String() != "bad_gateway" {
		t.Fatalf("literal loopback: err = %v", err)
	}
	if n := srv.hits.Load(); n != 0 {
		t.Errorf("server was reached %d times", n)
	}
}

// TestDialGuardChecksResolvedAddress runs the real dial path with a policy under which
// 127.0.0.1 counts as public and every other address (::1 included) does not.
func TestDialGuardChecksResolvedAddress(t *testing.T) {
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "ok")
	})
	var checked atomic.Int64
	only := netip.MustParseAddr("127.0.0.1")
	f := newFetcher(func(a netip.Addr) bool { checked.Add(1); return a == only })
	res, err := f.Fetch(context.Background(), strings.Replace(srv.URL, "127.0.0.1", "localhost", 1), domain.SourceRequest{})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if string(body) != "ok" || checked.Load() == 0 {
		t.Fatalf("body %q, %d policy checks", body, checked.Load())
	}
	deny := newFetcher(func(netip.Addr) bool { return false })
	if _, err := deny.Fetch(context.Background(), strings.Replace(srv.URL, "127.0.0.1", "localhost", 1), domain.SourceRequest{}); !errors.Is(err, errRefusedAddress) {
		t.Errorf("err = %v, want a dial-time refusal", err)
	}
	if n := srv.hits.Load(); n != 1 {
		t.Errorf("server hits = %d, want 1", n)
	}
}

func TestFetchReturnsUpstreamStatusesAndRefusesBadInput(t *testing.T) {
	srv := newCountingServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	f := NewFetcher(true)
	res, err := f.Fetch(context.Background(), srv.URL, domain.SourceRequest{Head: true})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.Status != http.StatusServiceUnavailable {
		t.Errorf("status = %d", res.Status)
	}
	for _, url := range []string{"file:///etc/passwd", "http://user:pw@" + strings.TrimPrefix(srv.URL, "http://")} {
		if _, err := f.Fetch(context.Background(), url, domain.SourceRequest{}); kind.Of(err).String() != "bad_gateway" {
			t.Errorf("%s: err = %v, want bad_gateway", url, err)
		}
	}
	srv.Close()
	if _, err := f.Fetch(context.Background(), srv.URL, domain.SourceRequest{}); kind.Of(err).String() != "bad_gateway" {
		t.Errorf("closed server: err = %v, want bad_gateway", err)
	}
	if n := srv.hits.Load(); n != 1 {
		t.Errorf("server hits = %d, want 1", n)
	}
}
