package httpserver

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"

	"vms/platform/config"
	"vms/platform/kind"
	"vms/platform/principal"
)

type fakeAuth struct{ playbackSeen []bool }

func (f *fakeAuth) Authenticate(r *http.Request, allowPlayback bool) (principal.Principal, error) {
	f.playbackSeen = append(f.playbackSeen, allowPlayback)
	switch r.Header.Get("Authorization") {
	case "Bearer good":
		return principal.Principal{UserID: 7, CorporationID: 3, Role: principal.RoleAdmin}, nil
	case "Bearer key":
		return principal.Principal{Kind: principal.KindAPIKey, KeyID: 4, CorporationID: 3, Scopes: principal.ScopesOf(principal.VideosRead)}, nil
	case "Bearer gone":
		return principal.Principal{}, fmt.Errorf("load user: %w", kind.New(kind.Unauthorized, "token is not valid"))
	}
	return principal.Principal{}, errors.New("database down")
}

func TestGuard(t *testing.T) {
	auth := &fakeAuth{}
	g := NewGuard(auth)
	whoami := func(c *gin.Context) {
		p, ok := Caller(c)
		if !ok {
			c.String(500, "no principal")
			return
		}
		c.String(200, "%d/%d/%s/%v", p.UserID, p.CorporationID, p.Role, p.AdminOf(3))
	}
	srv := newTestServer(t, config.Config{}, RegistrarFunc(func(r gin.IRouter) {
		r.GET("/me", g.Required(), whoami)
		r.GET("/stream", g.Stream(), whoami)
		r.GET("/open", func(c *gin.Context) {
			_, ok := Caller(c)
			c.String(200, "%v", ok)
		})
	}))
	if r := srv.do(t, "GET", "/me", nil, "Authorization: Bearer good"); r.status != 200 || string(r.body) != "7/3/admin/true" {
		t.Fatalf("signed in: %d %s", r.status, r.body)
	}
	r := srv.do(t, "GET", "/me", nil, "Authorization: Bearer gone")
	if r.status != 401 || r.header.Get("WWW-Authenticate") == "" || r.problem(t).Detail != "token is not valid" {
		t.Fatalf("bad token: %d %s", r.status, r.body)
	}
	if r := srv.do(t, "GET", "/me", nil); r.status != 500 {
		t.Fatalf("authenticator failure: %d", r.status)
	}
	srv.do(t, "GET", "/stream", nil, "Authorization: Bearer good")
	if fmt.Sprint(auth.playbackSeen) != "[false false false true]" {
		t.Fatalf("allowPlayback passed as %v", auth.playbackSeen)
	}
	if r := srv.do(t, "GET", "/open", nil); string(r.body) != "false" {
		t.Fatalf("Caller outside the guard: %s", r.body)
	}
}

func TestGuardScopes(t *testing.T) {
	g := NewGuard(&fakeAuth{})
	ok := func(c *gin.Context) { c.String(200, "ok") }
	srv := newTestServer(t, config.Config{}, RegistrarFunc(func(r gin.IRouter) {
		r.GET("/users-only", g.Required(), ok)
		r.GET("/read", g.Required(principal.VideosRead), ok)
		r.GET("/write", g.Required(principal.VideosWrite), ok)
		r.GET("/maybe", g.Optional(principal.VideosWrite), ok)
		r.GET("/stream", g.Stream(), ok)
	}))
	cases := []struct {
		path, auth string
		status     int
		detail     string
	}{
		{"/users-only", "Bearer good", 200, ""},
		{"/users-only", "Bearer key", 403, principal.ErrKeyNotAllowed.Error()},
		{"/read", "Bearer good", 200, ""},
		{"/read", "Bearer key", 200, ""},
		{"/write", "Bearer good", 200, ""},
		{"/write", "Bearer key", 403, "the API key lacks the scope videos:write that this route needs"},
		{"/maybe", "", 200, ""},
		{"/maybe", "Bearer key", 403, "the API key lacks the scope videos:write that this route needs"},
		{"/maybe", "Bearer gone", 401, "token is not valid"},
		{"/stream", "Bearer key", 403, principal.ErrKeyNotAllowed.Error()},
		{"/stream", "Bearer good", 200, ""},
	}
	for _, tc := range cases {
		var headers []string
		if tc.auth != "" {
			headers = append(headers, "Authorization: "+tc.auth)
		}
		r := srv.do(t, "GET", tc.path, nil, headers...)
		if r.status != tc.status {
			t.Errorf("%s as %q: %d %s, want %d", tc.path, tc.auth, r.status, r.body, tc.status)
			continue
		}
		if tc.detail != "" && r.problem(t).Detail != tc.detail {
			t.Errorf("%s as %q: detail %q, want %q", tc.path, tc.auth, r.problem(t).Detail, tc.detail)
		}
	}
}
