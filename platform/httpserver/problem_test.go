package httpserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"vms/platform/config"
	"vms/platform/kind"
)

type rateErr struct{ after time.Duration }

func (rateErr) Error() string                  { return "too many attempts" }
func (rateErr) Kind() kind.Kind                { return kind.RateLimited }
func (e rateErr) RetryAfter() time.Duration    { return e.after }
func (rateErr) FieldErrors() map[string]string { return nil }

type validationErr struct{}

func (validationErr) Error() string   { return "request has invalid fields" }
func (validationErr) Kind() kind.Kind { return kind.Invalid }
func (validationErr) FieldErrors() map[string]string {
	return map[string]string{"password": "must have at least 8 characters", "email": "must be a valid e-mail address"}
}

type quotaErr struct{}

func (quotaErr) Error() string                        { return "the upload would exceed the storage quota" }
func (quotaErr) Kind() kind.Kind                      { return kind.TooLarge }
func (quotaErr) QuotaExceeded() (int64, int64, int64) { return 1000, 900, 200 }

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "dial tcp 10.0.0.1:5432: i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

var _ net.Error = timeoutErr{}

func TestStatusOfEveryKind(t *testing.T) {
	want := map[kind.Kind]int{
		kind.BadRequest: 400, kind.Invalid: 422, kind.Unauthorized: 401, kind.Forbidden: 403,
		kind.NotFound: 404, kind.Conflict: 409, kind.TooLarge: 413, kind.UnsupportedMedia: 415,
		kind.RangeNotSatisfiable: 416, kind.RateLimited: 429, kind.BadGateway: 502, kind.Unavailable: 503,
		kind.Internal: 500, kind.Kind(200): 500,
	}
	for k, status := range want {
		err := fmt.Errorf("wrapped: %w", kind.New(k, "d"))
		if got := Status(err); got != status {
			t.Errorf("Status(%v) = %d, want %d", k, got, status)
		}
	}
	others := map[error]int{
		errors.New("plain"):                           500,
		fmt.Errorf("q: %w", context.DeadlineExceeded): 503,
		&http.MaxBytesError{Limit: 1}:                 413,
		fmt.Errorf("db: %w", timeoutErr{}):            503,
	}
	for err, status := range others {
		if got := Status(err); got != status {
			t.Errorf("Status(%v) = %d, want %d", err, got, status)
		}
	}
}

func TestFailWritesProblems(t *testing.T) {
	srv := newTestServer(t, config.Config{},
		route("GET", "/kind/:kind", func(c *gin.Context) {
			n, _ := strconv.Atoi(c.Param("kind"))
			k := kind.Kind(n)
			Fail(c, fmt.Errorf("ctx: %w", kind.New(k, "detail of "+k.String())))
		}),
		route("GET", "/fields", func(c *gin.Context) { Fail(c, validationErr{}) }),
		route("GET", "/rate", func(c *gin.Context) { Fail(c, rateErr{after: 90 * time.Second}) }),
		route("GET", "/rate-short", func(c *gin.Context) { Fail(c, rateErr{after: 10 * time.Millisecond}) }),
		route("GET", "/internal", func(c *gin.Context) {
			Fail(c, errors.New("pq: password authentication failed for user secret_admin"))
		}),
		route("GET", "/down", func(c *gin.Context) { Fail(c, fmt.Errorf("query: %w", timeoutErr{})) }),
	)

	for k, status := range kindStatus {
		path := "/kind/" + strconv.Itoa(int(k))
		r := srv.do(t, "GET", path, nil)
		if r.status != status {
			t.Errorf("kind %v: status %d, want %d", k, r.status, status)
			continue
		}
		p := r.problem(t)
		if status < 500 && p.Detail != "detail of "+k.String() {
			t.Errorf("kind %v: detail %q", k, p.Detail)
		}
		if p.Instance != path || p.RequestID == "" || p.RequestID != r.header.Get("X-Request-ID") {
			t.Errorf("kind %v: instance %q request id %q", k, p.Instance, p.RequestID)
		}
		if got := r.header.Get("WWW-Authenticate"); (status == 401) != (got != "") {
			t.Errorf("kind %v: WWW-Authenticate %q", k, got)
		}
	}

	p := srv.do(t, "GET", "/fields", nil).problem(t)
	if p.Status != 422 || len(p.Errors) != 2 || p.Errors[0].Field != "email" || p.Errors[1].Field != "password" || p.Errors[1].Message == "" {
		t.Fatalf("field errors: %+v", p)
	}

	r := srv.do(t, "GET", "/rate", nil)
	if r.status != 429 || r.header.Get("Retry-After") != "90" {
		t.Fatalf("rate limited: status %d Retry-After %q", r.status, r.header.Get("Retry-After"))
	}
	if p := r.problem(t); p.Errors != nil {
		t.Fatalf("empty field map produced errors: %+v", p.Errors)
	}
	if got := srv.do(t, "GET", "/rate-short", nil).header.Get("Retry-After"); got != "1" {
		t.Fatalf("sub-second Retry-After = %q, want 1", got)
	}

	r = srv.do(t, "GET", "/internal", nil)
	p = r.problem(t)
	if r.status != 500 || strings.Contains(string(r.body), "secret_admin") || strings.Contains(string(r.body), "pq:") {
		t.Fatalf("500 reveals internals: %s", r.body)
	}
	if !strings.Contains(p.Detail, "request id") {
		t.Fatalf("500 detail %q", p.Detail)
	}

	r = srv.do(t, "GET", "/down", nil)
	if r.status != 503 || strings.Contains(string(r.body), "10.0.0.1") {
		t.Fatalf("503: %d %s", r.status, r.body)
	}
}

func TestUnknownRouteAndWrongMethod(t *testing.T) {
	srv := newTestServer(t, config.Config{}, route("GET", "/only-get", func(c *gin.Context) { c.Status(204) }))
	r := srv.do(t, "GET", "/no/such/route", nil)
	if r.status != 404 {
		t.Fatalf("unknown route: %d", r.status)
	}
	if p := r.problem(t); p.Instance != "/no/such/route" {
		t.Fatalf("instance %q", p.Instance)
	}
	r = srv.do(t, "DELETE", "/only-get", nil)
	if r.status != 405 {
		t.Fatalf("wrong method: %d", r.status)
	}
	r.problem(t)
	if r := srv.do(t, "GET", "/only-get/", nil); r.status != 404 {
		t.Fatalf("trailing slash: %d (want 404, no redirect)", r.status)
	}
}

func TestPanicBecomesProblem(t *testing.T) {
	srv := newTestServer(t, config.Config{}, route("GET", "/panic", func(*gin.Context) {
		panic("secret panic text: db password hunter2")
	}))
	r := srv.do(t, "GET", "/panic", nil)
	if r.status != 500 {
		t.Fatalf("status %d", r.status)
	}
	r.problem(t)
	if strings.Contains(string(r.body), "hunter2") || strings.Contains(string(r.body), "panic text") {
		t.Fatalf("panic text leaked: %s", r.body)
	}
	if !strings.Contains(srv.log.String(), "hunter2") {
		t.Fatal("the panic is not in the server log")
	}
	// The server keeps serving after a panic.
	if r := srv.do(t, "GET", "/panic", nil); r.status != 500 {
		t.Fatalf("second request: %d", r.status)
	}
	// Panics are counted and logged like every other request.
	if m := srv.do(t, "GET", "/metrics", nil); !strings.Contains(string(m.body), `vms_http_requests_total{method="GET",route="/panic",status="500"} 2`) {
		t.Fatalf("panics missing from the request metrics:\n%s", m.body)
	}
	if !strings.Contains(srv.log.String(), `"route":"/panic","status":500`) {
		t.Fatalf("panic missing from the access log:\n%s", srv.log.String())
	}
}

func TestProblemBodies(t *testing.T) {
	fields := map[string]string{"name": "must not be empty", "file": "is required"}
	srv := newTestServer(t, config.Config{},
		route("GET", "/sentinel", func(c *gin.Context) {
			Fail(c, fmt.Errorf("restore video: %w", kind.New(kind.NotFound, "video not found")))
		}),
		route("GET", "/about", func(c *gin.Context) { Fail(c, kind.InvalidFields(fields).About("video")) }),
		route("GET", "/plain-fields", func(c *gin.Context) { Fail(c, kind.InvalidField("refresh_token", "is required")) }),
		route("GET", "/quota", func(c *gin.Context) { Fail(c, fmt.Errorf("upload: %w", quotaErr{})) }),
		route("GET", "/bad-fields", func(c *gin.Context) {
			Fail(c, kind.NewFields(kind.BadRequest, "deleted must be true or false", map[string]string{"deleted": "must be true or false"}))
		}),
	)
	want := map[string]string{
		"/sentinel":     `{"type":"about:blank","title":"Not Found","status":404,"detail":"video not found","instance":"/sentinel","request_id":"%s"}`,
		"/about":        `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"invalid video: file is required; name must not be empty","instance":"/about","request_id":"%s","errors":[{"field":"file","message":"is required"},{"field":"name","message":"must not be empty"}]}`,
		"/plain-fields": `{"type":"about:blank","title":"Unprocessable Entity","status":422,"detail":"request has invalid fields","instance":"/plain-fields","request_id":"%s","errors":[{"field":"refresh_token","message":"is required"}]}`,
		"/bad-fields":   `{"type":"about:blank","title":"Bad Request","status":400,"detail":"deleted must be true or false","instance":"/bad-fields","request_id":"%s","errors":[{"field":"deleted","message":"must be true or false"}]}`,
		"/quota":        `{"type":"/problems/quota-exceeded","title":"Storage Quota Exceeded","status":413,"detail":"the upload would exceed the storage quota","instance":"/quota","request_id":"%s","quota":1000,"used":900,"requested":200}`,
	}
	for path, body := range want {
		r := srv.do(t, "GET", path, nil)
		if got, want := strings.TrimSpace(string(r.body)), fmt.Sprintf(body, r.header.Get("X-Request-ID")); got != want {
			t.Errorf("%s:\n got %s\nwant %s", path, got, want)
		}
	}
}
