package main_test

import (
	"net/http"
	"strings"
	"testing"

	"vms/app/apptest"
)

// refreshCookieOf returns the "name=value" of the vms_refresh cookie a response sets, and
// whether it clears it.
func refreshCookieOf(t *testing.T, r *apptest.Response) (pair string, cleared bool) {
	t.Helper()
	for _, c := range (&http.Response{Header: r.Header}).Cookies() {
		if c.Name == "vms_refresh" {
			if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Path != "/v1/auth" {
				t.Fatalf("cookie attributes %q", r.Header.Values("Set-Cookie"))
			}
			return c.Name + "=" + c.Value, c.MaxAge < 0
		}
	}
	t.Fatalf("no vms_refresh cookie in %q", r.Header.Values("Set-Cookie"))
	return "", false
}

// TestBrowserSessionCookie is the web console's session through the whole application:
// sign in with the refresh token in an HttpOnly cookie, survive a "reload" by refreshing
// from the cookie alone, sign out; the cookie is no credential anywhere else.
func TestBrowserSessionCookie(t *testing.T) {
	apptest.Each(t, nil, func(t *testing.T, a *apptest.App) {
		a.Do("POST", "/v1/corporations", map[string]any{
			"name": "Cookie Co", "plan_type": "FREE", "admin_email": "admin@cookie.example", "admin_password": "admin-password",
		}, "").Expect(t, http.StatusCreated)
		const csrf = "X-Requested-With: vms-console"
		body := map[string]any{"email": "admin@cookie.example", "password": "admin-password", "cookie": true}
		a.Do("POST", "/v1/auth/login", body, "").Expect(t, http.StatusForbidden)
		r := a.Do("POST", "/v1/auth/login", body, "", csrf).Expect(t, http.StatusOK)
		var first tokenPair
		r.JSON(t, &first)
		if first.AccessToken == "" || first.RefreshToken != "" || strings.Contains(string(r.Body), "refresh_token") {
			t.Fatalf("cookie login body %s", r.Body)
		}
		cookie, _ := refreshCookieOf(t, r)

		// The cookie authenticates nothing but the refresh and logout routes.
		a.Do("GET", "/v1/auth/me", nil, "", "Cookie: "+cookie).Expect(t, http.StatusUnauthorized)

		a.Do("POST", "/v1/auth/refresh", map[string]any{}, "", "Cookie: "+cookie).Expect(t, http.StatusForbidden)
		r = a.Do("POST", "/v1/auth/refresh", map[string]any{}, "", csrf, "Cookie: "+cookie).Expect(t, http.StatusOK)
		var next tokenPair
		r.JSON(t, &next)
		if next.AccessToken == "" || next.RefreshToken != "" {
			t.Fatalf("cookie refresh body %s", r.Body)
		}
		rotated, _ := refreshCookieOf(t, r)
		if rotated == cookie {
			t.Fatal("the refresh did not rotate the cookie")
		}
		var me userBody
		a.Do("GET", "/v1/auth/me", nil, next.AccessToken).Expect(t, http.StatusOK).JSON(t, &me)
		if me.Email != "admin@cookie.example" {
			t.Fatalf("me %+v", me)
		}

		r = a.Do("POST", "/v1/auth/logout", map[string]any{}, next.AccessToken, csrf, "Cookie: "+rotated).Expect(t, http.StatusNoContent)
		if _, cleared := refreshCookieOf(t, r); !cleared {
			t.Fatal("logout did not clear the cookie")
		}
		r = a.Do("POST", "/v1/auth/refresh", map[string]any{}, "", csrf, "Cookie: "+rotated).Expect(t, http.StatusUnauthorized)
		if _, cleared := refreshCookieOf(t, r); !cleared {
			t.Fatal("a refused cookie was not cleared")
		}
	})
}
