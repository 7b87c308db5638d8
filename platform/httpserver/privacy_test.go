package httpserver

import (
	"testing"

	"github.com/gin-gonic/gin"

	"vms/platform/config"
)

func TestOptionalGuard(t *testing.T) {
	g := NewGuard(&fakeAuth{})
	srv := newTestServer(t, config.Config{}, RegistrarFunc(func(r gin.IRouter) {
		r.GET("/v1/maybe", g.Optional(), func(c *gin.Context) {
			p, ok := Caller(c)
			c.String(200, "%v/%d", ok, p.UserID)
		})
	}))
	if r := srv.do(t, "GET", "/v1/maybe", nil); r.status != 200 || string(r.body) != "false/0" {
		t.Fatalf("anonymous: %d %s", r.status, r.body)
	}
	if r := srv.do(t, "GET", "/v1/maybe", nil, "Authorization: Bearer good"); r.status != 200 || string(r.body) != "true/7" {
		t.Fatalf("signed in: %d %s", r.status, r.body)
	}
	// A token that does not verify is refused, not read as anonymous.
	if r := srv.do(t, "GET", "/v1/maybe", nil, "Authorization: Bearer gone"); r.status != 401 {
		t.Fatalf("bad token: %d %s", r.status, r.body)
	}
}

func TestAPIAnswersAreNotForSharedCaches(t *testing.T) {
	srv := newTestServer(t, config.Config{}, RegistrarFunc(func(r gin.IRouter) {
		r.GET("/v1/data", func(c *gin.Context) { c.JSON(200, gin.H{"tenant": "data"}) })
		r.GET("/v1/stream", func(c *gin.Context) {
			c.Header("Cache-Control", "private, no-cache")
			c.String(200, "bytes")
		})
		r.GET("/docs/x", func(c *gin.Context) { c.String(200, "doc") })
	}))
	for path, want := range map[string]string{
		"/v1/data":    "private, no-store",
		"/v1/stream":  "private, no-cache",
		"/v1/missing": "no-store",
		"/docs/x":     "",
	} {
		if r := srv.do(t, "GET", path, nil); r.header.Get("Cache-Control") != want {
			t.Errorf("%s: Cache-Control %q, want %q", path, r.header.Get("Cache-Control"), want)
		}
	}
}
