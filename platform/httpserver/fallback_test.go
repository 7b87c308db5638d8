package httpserver

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"vms/platform/config"
)

// pages answers GET and HEAD of paths under /app/ and declines the rest.
type pages struct{ RegistrarFunc }

func (pages) Fallback(c *gin.Context) bool {
	if !strings.HasPrefix(c.Request.URL.Path, "/app/") {
		return false
	}
	c.String(http.StatusOK, "page "+c.Request.URL.Path)
	return true
}

func TestFallbackAnswersUnmatchedGetsOnly(t *testing.T) {
	s := newTestServer(t, config.Config{},
		route(http.MethodGet, "/v1/things", func(c *gin.Context) { c.String(http.StatusOK, "things") }),
		pages{RegistrarFunc(func(gin.IRouter) {})},
	)
	if r := s.do(t, "GET", "/app/videos/7", nil); r.status != 200 || string(r.body) != "page /app/videos/7" {
		t.Fatalf("GET /app/videos/7: %d %s", r.status, r.body)
	}
	if r := s.do(t, "HEAD", "/app/x", nil); r.status != 200 {
		t.Fatalf("HEAD /app/x: %d", r.status)
	}
	// Routes keep their handlers; what the fallback declines, and other methods, get the
	// 404 problem that names a missing route.
	if r := s.do(t, "GET", "/v1/things", nil); string(r.body) != "things" {
		t.Fatalf("GET /v1/things: %s", r.body)
	}
	for _, tc := range []struct{ method, path string }{{"GET", "/v1/nothing"}, {"GET", "/elsewhere"}, {"POST", "/app/videos/7"}, {"DELETE", "/app/x"}} {
		r := s.do(t, tc.method, tc.path, nil)
		if r.status != 404 || r.problem(t).Detail != NoSuchRoute {
			t.Fatalf("%s %s: %d %s", tc.method, tc.path, r.status, r.body)
		}
	}
	// A method that another route has is still 405.
	if r := s.do(t, "POST", "/v1/things", nil); r.status != 405 {
		t.Fatalf("POST /v1/things: %d", r.status)
	}
}
