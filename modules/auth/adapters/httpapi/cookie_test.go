package httpapi_test

import (
	"crypto/tls"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"vms/modules/auth/adapters/httpapi"
)

const csrf = "X-Requested-With: vms-console"

// refreshCookie returns the vms_refresh cookie an answer sets, failing when there is none.
func refreshCookie(t *testing.T, r reply) *http.Cookie {
	t.Helper()
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == httpapi.RefreshCookie {
			return c
		}
	}
	t.Fatalf("no %s cookie in %q", httpapi.RefreshCookie, r.header.Values("Set-Cookie"))
	return nil
}

func cookieHeader(c *http.Cookie) string { return "Cookie: " + c.Name + "=" + c.Value }

func (e *env) cookieLogin(t *testing.T, email string) (tokens, *http.Cookie) {
	t.Helper()
	r := e.do(t, "POST", "/v1/auth/login", `{"email":"`+email+`","password":"`+password+`","cookie":true}`, "", csrf).expect(t, 200)
	var raw map[string]any
	if err := json.Unmarshal([]byte(r.body), &raw); err != nil {
		t.Fatal(err)
	}
	if _, ok := raw["refresh_token"]; ok {
		t.Fatalf("cookie login shows the refresh token in the body: %s", r.body)
	}
	var out tokens
	_ = json.Unmarshal([]byte(r.body), &out)
	if out.AccessToken == "" || out.TokenType != "bearer" {
		t.Fatalf("body %s", r.body)
	}
	return out, refreshCookie(t, r)
}

func TestCookieLoginSetsAScopedHttpOnlyCookie(t *testing.T) {
	e := newEnv(t)
	_, ck := e.cookieLogin(t, "guest@acme.example")
	if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/v1/auth" || ck.Secure {
		t.Fatalf("cookie %+v: want HttpOnly, SameSite=Strict, Path=/v1/auth, not Secure on plain http", ck)
	}
	if ck.MaxAge != int((336*time.Hour).Seconds()) || len(ck.Value) < 40 {
		t.Fatalf("cookie Max-Age %d, value %q", ck.MaxAge, ck.Value)
	}
	// The cookie's value is a working refresh token, and only it: the body had none.
	e.do(t, "POST", "/v1/auth/refresh", `{"refresh_token":"`+ck.Value+`"}`, "").expect(t, 200)
}

func TestCookieIsSecureOverHTTPS(t *testing.T) {
	e := newEnv(t)
	r := e.do(t, "POST", "/v1/auth/login", `{"email":"guest@acme.example","password":"`+password+`","cookie":true}`, "", csrf, "X-Forwarded-Proto: https").expect(t, 200)
	if !refreshCookie(t, r).Secure {
		t.Fatal("a request forwarded as https got a cookie without Secure")
	}
	req := e.request("POST", "/v1/auth/login", `{"email":"guest@acme.example","password":"`+password+`","cookie":true}`, csrf)
	req.TLS = &tls.ConnectionState{}
	if !refreshCookie(t, e.serve(req)).Secure {
		t.Fatal("a request over TLS got a cookie without Secure")
	}
}

func TestCookieAlwaysSecureInProduction(t *testing.T) {
	e := newEnvWith(t, httpapi.CookieOptions{TTL: time.Hour, AlwaysSecure: true})
	r := e.do(t, "POST", "/v1/auth/login", `{"email":"guest@acme.example","password":"`+password+`","cookie":true}`, "", csrf).expect(t, 200)
	if ck := refreshCookie(t, r); !ck.Secure || ck.MaxAge != 3600 {
		t.Fatalf("cookie %+v", ck)
	}
}

func TestCookieRefreshRotatesTheCookie(t *testing.T) {
	e := newEnv(t)
	_, first := e.cookieLogin(t, "guest@acme.example")
	r := e.do(t, "POST", "/v1/auth/refresh", `{}`, "", csrf, cookieHeader(first)).expect(t, 200)
	if strings.Contains(r.body, "refresh_token") {
		t.Fatalf("cookie refresh shows the refresh token: %s", r.body)
	}
	var pair tokens
	_ = json.Unmarshal([]byte(r.body), &pair)
	if pair.AccessToken == "" {
		t.Fatalf("no access token: %s", r.body)
	}
	next := refreshCookie(t, r)
	if next.Value == first.Value || !next.HttpOnly || next.Path != "/v1/auth" {
		t.Fatalf("successor cookie %+v", next)
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("Cache-Control %q", r.header.Get("Cache-Control"))
	}
	e.do(t, "POST", "/v1/auth/refresh", `{}`, "", csrf, cookieHeader(next)).expect(t, 200)
}

func TestCookieRefreshNeedsTheCSRFHeader(t *testing.T) {
	e := newEnv(t)
	_, ck := e.cookieLogin(t, "guest@acme.example")
	// A cross-site form can send the cookie (were SameSite ignored) but not the header.
	r := e.do(t, "POST", "/v1/auth/refresh", `{}`, "", cookieHeader(ck)).expect(t, 403)
	if !strings.Contains(r.problem(t).Detail, "X-Requested-With") {
		t.Fatalf("problem %s", r.body)
	}
	if len(r.header.Values("Set-Cookie")) != 0 {
		t.Fatal("a refused request touched the cookie")
	}
	e.do(t, "POST", "/v1/auth/refresh", `{}`, "", cookieHeader(ck), "X-Requested-With: ").expect(t, 403)
	// The token was not spent by the refused requests.
	e.do(t, "POST", "/v1/auth/refresh", `{}`, "", csrf, cookieHeader(ck)).expect(t, 200)
}

func TestCookieLoginNeedsTheCSRFHeader(t *testing.T) {
	e := newEnv(t)
	r := e.do(t, "POST", "/v1/auth/login", `{"email":"guest@acme.example","password":"`+password+`","cookie":true}`, "").expect(t, 403)
	if len(r.header.Values("Set-Cookie")) != 0 || strings.Contains(r.body, "token") {
		t.Fatalf("refused login answered %q %s", r.header.Values("Set-Cookie"), r.body)
	}
	if len(e.store.All()) != 0 {
		t.Fatal("a refused login created a session")
	}
	// Without "cookie" the header is not needed, and the body has both tokens as before.
	e.login(t, "guest@acme.example")
}

func TestCookieRefreshReuseAndBadCookies(t *testing.T) {
	e := newEnv(t)
	_, first := e.cookieLogin(t, "guest@acme.example")
	e.do(t, "POST", "/v1/auth/refresh", `{}`, "", csrf, cookieHeader(first)).expect(t, 200)
	// A spent token presented again: 401, the family is revoked and the cookie cleared.
	r := e.do(t, "POST", "/v1/auth/refresh", `{}`, "", csrf, cookieHeader(first)).expect(t, 401)
	if ck := refreshCookie(t, r); ck.MaxAge >= 0 || ck.Value != "" {
		t.Fatalf("refused cookie not cleared: %+v", ck)
	}
	r = e.do(t, "POST", "/v1/auth/refresh", `{}`, "", csrf, "Cookie: vms_refresh=made-up").expect(t, 401)
	refreshCookie(t, r)
	// Neither a body token nor a cookie: the field is missing.
	e.do(t, "POST", "/v1/auth/refresh", `{}`, "", csrf).expect(t, 422)
}

func TestBodyTokenTakesPrecedenceOverCookie(t *testing.T) {
	e := newEnv(t)
	_, ck := e.cookieLogin(t, "guest@acme.example")
	other := e.login(t, "guest@acme.example")
	r := e.do(t, "POST", "/v1/auth/refresh", `{"refresh_token":"`+other.RefreshToken+`"}`, "", cookieHeader(ck)).expect(t, 200)
	var pair tokens
	_ = json.Unmarshal([]byte(r.body), &pair)
	if pair.RefreshToken == "" || len(r.header.Values("Set-Cookie")) != 0 {
		t.Fatalf("a body refresh answered %s with cookies %q", r.body, r.header.Values("Set-Cookie"))
	}
	// The cookie's token was not spent.
	e.do(t, "POST", "/v1/auth/refresh", `{}`, "", csrf, cookieHeader(ck)).expect(t, 200)
}

func TestCookieLogout(t *testing.T) {
	e := newEnv(t)
	s, ck := e.cookieLogin(t, "guest@acme.example")
	e.do(t, "POST", "/v1/auth/logout", `{}`, s.AccessToken, cookieHeader(ck)).expect(t, 403)
	r := e.do(t, "POST", "/v1/auth/logout", `{}`, s.AccessToken, csrf, cookieHeader(ck)).expect(t, 204)
	if c := refreshCookie(t, r); c.MaxAge >= 0 || c.Path != "/v1/auth" {
		t.Fatalf("logout did not clear the cookie: %+v", c)
	}
	e.do(t, "POST", "/v1/auth/refresh", `{}`, "", csrf, cookieHeader(ck)).expect(t, 401)

	// Another user's cookie is refused like another user's body token, and cleared.
	_, theirs := e.cookieLogin(t, "admin@acme.example")
	mine, _ := e.cookieLogin(t, "guest@acme.example")
	r = e.do(t, "POST", "/v1/auth/logout", `{}`, mine.AccessToken, csrf, cookieHeader(theirs)).expect(t, 401)
	refreshCookie(t, r)
	e.do(t, "POST", "/v1/auth/refresh", `{}`, "", csrf, cookieHeader(theirs)).expect(t, 200)
}

func TestLogoutAllClearsTheCookie(t *testing.T) {
	e := newEnv(t)
	s, ck := e.cookieLogin(t, "guest@acme.example")
	r := e.do(t, "POST", "/v1/auth/logout-all", "", s.AccessToken, cookieHeader(ck)).expect(t, 204)
	if c := refreshCookie(t, r); c.MaxAge >= 0 {
		t.Fatalf("cookie %+v", c)
	}
	e.do(t, "POST", "/v1/auth/refresh", `{}`, "", csrf, cookieHeader(ck)).expect(t, 401)
	r = e.do(t, "POST", "/v1/auth/logout-all", "", s.AccessToken).expect(t, 204)
	if len(r.header.Values("Set-Cookie")) != 0 {
		t.Fatal("logout-all without the cookie set one")
	}
}
