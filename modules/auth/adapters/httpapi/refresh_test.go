package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"vms/platform/principal"
)

func TestRefreshAndLogout(t *testing.T) {
	e := newEnv(t)
	first := e.login(t, "guest@acme.example")
	r := e.do(t, "POST", "/v1/auth/refresh", `{"refresh_token":"`+first.RefreshToken+`"}`, "").expect(t, 200)
	var next tokens
	_ = json.Unmarshal([]byte(r.body), &next)
	if next.RefreshToken == "" || next.RefreshToken == first.RefreshToken || next.TokenType != "bearer" {
		t.Fatalf("refresh body %s", r.body)
	}
	e.do(t, "POST", "/v1/auth/refresh", `{"refresh_token":"`+first.RefreshToken+`"}`, "").expect(t, 401)
	e.do(t, "POST", "/v1/auth/refresh", `{"refresh_token":"`+next.RefreshToken+`"}`, "").expect(t, 401)

	s := e.login(t, "guest@acme.example")
	e.do(t, "POST", "/v1/auth/logout", `{"refresh_token":"`+s.RefreshToken+`"}`, "").expect(t, 401)
	e.do(t, "POST", "/v1/auth/logout", `{"refresh_token":"`+s.RefreshToken+`"}`, "not-a-jwt").expect(t, 401)
	theirs := e.login(t, "admin@acme.example")
	e.do(t, "POST", "/v1/auth/logout", `{"refresh_token":"`+theirs.RefreshToken+`"}`, s.AccessToken).expect(t, 401)
	e.do(t, "POST", "/v1/auth/logout", `{"refresh_token":"`+s.RefreshToken+`"}`, s.AccessToken).expect(t, 204)
	e.do(t, "POST", "/v1/auth/refresh", `{"refresh_token":"`+s.RefreshToken+`"}`, "").expect(t, 401)
	e.do(t, "POST", "/v1/auth/refresh", `{"refresh_token":"`+theirs.RefreshToken+`"}`, "").expect(t, 200)
}

func TestRefreshBadInput(t *testing.T) {
	cases := map[string]struct {
		body   string
		status int
	}{
		"malformed":     {`{"refresh_token":`, 400},
		"wrong type":    {`{"refresh_token":123}`, 422},
		"unknown field": {`{"refresh_token":"x","extra":1}`, 422},
		"missing":       {`{}`, 422},
		"empty body":    {``, 400},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			s := e.login(t, "guest@acme.example")
			e.do(t, "POST", "/v1/auth/refresh", tc.body, "", "Content-Type: application/json").expect(t, tc.status)
			e.do(t, "POST", "/v1/auth/logout", tc.body, s.AccessToken, "Content-Type: application/json").expect(t, tc.status)
			for _, row := range e.store.All() {
				if row.RevokedAt != nil {
					t.Fatal("bad input revoked a session")
				}
			}
		})
	}
}

func TestAuthenticatorHeaders(t *testing.T) {
	e := newEnv(t)
	s := e.login(t, "guest@acme.example")
	cases := map[string]struct {
		header string
		ok     bool
	}{
		"bearer":           {"Bearer " + s.AccessToken, true},
		"lower-case":       {"bearer " + s.AccessToken, true},
		"basic":            {"Basic Z3Vlc3Q6cGFzcw==", false},
		"no token":         {"Bearer ", false},
		"refresh as token": {"Bearer " + s.RefreshToken, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			r := e.do(t, "POST", "/v1/auth/logout", `{"refresh_token":"unknown"}`, "", "Authorization: "+tc.header)
			// A signed-in caller gets past the guard and is told the token is not theirs.
			p := r.expect(t, 401).problem(t)
			passed := strings.Contains(p.Detail, "refresh token")
			if passed != tc.ok {
				t.Fatalf("guard passed=%v, want %v: %+v", passed, tc.ok, p)
			}
			if strings.Contains(r.body, s.AccessToken) || strings.Contains(r.body, s.RefreshToken) {
				t.Fatal("a token was echoed")
			}
		})
	}
}

func TestAuthenticatorPlayback(t *testing.T) {
	e := newEnv(t)
	tok, _, err := e.signer.SignPlayback(guest, 5)
	if err != nil {
		t.Fatal(err)
	}
	req := newRequest("/v1/videos/stream/5?token=" + tok)
	if _, err := e.authn.Authenticate(req, false); err == nil {
		t.Fatal("playback token accepted where only Bearer is allowed")
	}
	p, err := e.authn.Authenticate(req, true)
	if err != nil || p != (principal.Principal{UserID: guest.UserID, CorporationID: guest.CorporationID, Role: "guest", PlaybackVideoID: 5}) {
		t.Fatalf("principal %+v %v", p, err)
	}
	if _, err := e.authn.Authenticate(newRequest("/v1/videos/stream/5?token=bogus"), true); err == nil {
		t.Fatal("bogus playback token accepted")
	}
}

func TestLogoutAll(t *testing.T) {
	e := newEnv(t)
	a := e.login(t, "guest@acme.example")
	b := e.login(t, "guest@acme.example")
	theirs := e.login(t, "admin@acme.example")
	e.do(t, "POST", "/v1/auth/logout-all", "", "").expect(t, 401)
	e.do(t, "POST", "/v1/auth/logout-all", "", "not-a-jwt").expect(t, 401)
	r := e.do(t, "POST", "/v1/auth/logout-all", "", a.AccessToken).expect(t, 204)
	if r.body != "" {
		t.Fatalf("body %q", r.body)
	}
	for _, s := range []tokens{a, b} {
		e.do(t, "POST", "/v1/auth/refresh", `{"refresh_token":"`+s.RefreshToken+`"}`, "").expect(t, 401)
	}
	e.do(t, "POST", "/v1/auth/refresh", `{"refresh_token":"`+theirs.RefreshToken+`"}`, "").expect(t, 200)
}
