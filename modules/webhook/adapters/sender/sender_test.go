package sender

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"vms/modules/webhook/ports"
	"vms/platform/kind"
	"vms/platform/netguard"
)

func request(url string) ports.Request {
	return ports.Request{URL: url, EventID: "msg_1", Body: []byte(`{"type":"webhook.test"}`), Timestamp: 1614265330, Signature: "v1,c2ln"}
}

func TestSendPostsTheSignedEvent(t *testing.T) {
	var got *http.Request
	var body []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, body = r, must(io.ReadAll(r.Body))
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	res := newSender(netguard.AnyUnicast, time.Second).Send(context.Background(), request(srv.URL+"/hook?x=1"))
	if !res.OK() || res.StatusCode != 204 || res.Duration <= 0 {
		t.Fatalf("result %+v", res)
	}
	h := got.Header
	if got.Method != http.MethodPost || got.URL.Path != "/hook" || got.URL.RawQuery != "x=1" || string(body) != `{"type":"webhook.test"}` ||
		h.Get("Content-Type") != "application/json" || h.Get("webhook-id") != "msg_1" || h.Get("webhook-timestamp") != "1614265330" ||
		h.Get("webhook-signature") != "v1,c2ln" {
		t.Fatalf("request %s %s %q %v", got.Method, got.URL, body, h)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// A redirect is a failed attempt: its target is never asked.
func TestRedirectsAreNotFollowed(t *testing.T) {
	var followed atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/elsewhere" {
			followed.Add(1)
			return
		}
		http.Redirect(w, r, "/elsewhere", http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	res := newSender(netguard.AnyUnicast, time.Second).Send(context.Background(), request(srv.URL))
	if res.OK() || res.StatusCode != 307 || !strings.Contains(res.Error(), "redirects are not followed") || followed.Load() != 0 {
		t.Fatalf("result %+v (%s), followed %d", res, res.Error(), followed.Load())
	}
}

// A receiver that never answers costs the timeout, no more.
func TestTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }))
	defer srv.Close()
	defer close(release)
	start := time.Now()
	res := newSender(netguard.AnyUnicast, 300*time.Millisecond).Send(context.Background(), request(srv.URL))
	if res.OK() || res.Err == nil || !strings.Contains(res.Error(), "no answer within") || time.Since(start) > 3*time.Second {
		t.Fatalf("result %+v (%s) after %s", res, res.Error(), time.Since(start))
	}
}

// An endless answer is read up to MaxResponseBody and dropped: the attempt ends at once.
func TestResponseBodyIsBounded(t *testing.T) {
	var written atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		chunk := []byte(strings.Repeat("x", 32<<10))
		for {
			n, err := w.Write(chunk)
			written.Add(int64(n))
			if err != nil {
				return
			}
		}
	}))
	defer srv.Close()
	start := time.Now()
	res := newSender(netguard.AnyUnicast, 5*time.Second).Send(context.Background(), request(srv.URL))
	if res.StatusCode != 500 || time.Since(start) > 2*time.Second {
		t.Fatalf("result %+v after %s", res, time.Since(start))
	}
	if len(res.Excerpt) > excerptLength+len("…") || !strings.HasPrefix(res.Error(), "HTTP 500: xxx") || !strings.HasSuffix(res.Excerpt, "…") {
		t.Fatalf("error %q", res.Error())
	}
}

// Without ALLOW_PRIVATE_WEBHOOKS a loopback receiver is refused when the connection is
// dialled, whether the URL names the address or a name that resolves to it, and the
// error names no address.
func TestDialTimeGuard(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	s := New(false)
	port := srv.URL[strings.LastIndexByte(srv.URL, ':'):]
	for _, u := range []string{srv.URL, "http://localhost" + port + "/"} {
		res := s.Send(context.Background(), request(u))
		if res.OK() || !strings.Contains(res.Error(), "not allowed") || strings.Contains(res.Error(), "127.0.0.1") {
			t.Fatalf("%s: %+v (%s)", u, res, res.Error())
		}
	}
	if hits.Load() != 0 {
		t.Fatalf("the receiver was reached %d times", hits.Load())
	}
	if res := New(true).Send(context.Background(), request(srv.URL)); !res.OK() || hits.Load() != 1 {
		t.Fatalf("with private webhooks allowed: %+v", res)
	}
}

func TestConnectionRefusedIsDescribed(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	res := New(true).Send(context.Background(), request(url))
	if res.Error() != "connection refused" {
		t.Fatalf("error %q", res.Error())
	}
}

func TestCheckURL(t *testing.T) {
	ctx := context.Background()
	strict := New(false)
	for _, u := range []string{
		"http://127.0.0.1:9000/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/", "http://10.1.2.3/",
		"http://localhost:8080/", "http://[::ffff:127.0.0.1]/", "http://192.168.1.1/",
	} {
		var ve *kind.ValidationError
		if err := strict.CheckURL(ctx, u); !errors.As(err, &ve) || !strings.Contains(ve.Fields["url"], "internal address") {
			t.Errorf("%s: %v, want refused naming url", u, err)
		}
	}
	for _, u := range []string{"https://93.184.215.14/hook", "https://[2606:4700::1111]/", "https://hooks.vms-test.invalid/"} {
		if err := strict.CheckURL(ctx, u); err != nil {
			t.Errorf("%s: %v, want accepted (public, or not resolvable now)", u, err)
		}
	}
	lax := New(true)
	for _, u := range []string{"http://127.0.0.1:9000/", "http://localhost/", "http://169.254.169.254/"} {
		if err := lax.CheckURL(ctx, u); err != nil {
			t.Errorf("%s with private webhooks allowed: %v", u, err)
		}
	}
}
