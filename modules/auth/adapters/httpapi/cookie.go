package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"vms/platform/kind"
)

// RefreshCookie is the cookie that carries a browser's refresh token when it signed in
// with {"cookie": true}. It is HttpOnly (no script reads it), SameSite=Strict (no other
// site's page makes the browser send it) and scoped to Path=/v1/auth, the only routes
// that read it; no other route accepts it as a credential, so the API has no CSRF
// surface beyond these.
const RefreshCookie = "vms_refresh"

// CSRFHeader must accompany every request that sets, spends or clears the refresh cookie.
// A cross-site form cannot send a custom header, and a cross-origin script that adds one
// needs a CORS preflight, which the auth routes never grant; so a request carrying it
// was made by a page of this origin (or by a non-browser client, which holds no one
// else's cookie). SameSite=Strict already keeps the cookie off cross-site requests; the
// header also covers same-site, cross-origin pages (sibling subdomains) and browsers
// that ignore SameSite.
const CSRFHeader = "X-Requested-With"

// CookieOptions says how the refresh cookie is made.
type CookieOptions struct {
	// TTL is the refresh token's lifetime, the cookie's Max-Age.
	TTL time.Duration
	// AlwaysSecure marks the cookie Secure on every answer (APP_ENV=production). Otherwise
	// it is Secure when the request came over TLS or through a proxy that says so
	// (X-Forwarded-Proto: https), and not on plain http, where a browser would drop it.
	AlwaysSecure bool
}

var errCSRF = kind.New(kind.Forbidden, "the refresh cookie is only used on requests with the "+CSRFHeader+" header")

// requireCSRFHeader refuses a cookie request without the CSRF header.
func requireCSRFHeader(c *gin.Context) error {
	if strings.TrimSpace(c.GetHeader(CSRFHeader)) == "" {
		return errCSRF
	}
	return nil
}

// cookieToken is the refresh token of the request's cookie, or "" when there is none.
func cookieToken(c *gin.Context) string {
	ck, err := c.Request.Cookie(RefreshCookie)
	if err != nil {
		return ""
	}
	return ck.Value
}

func (h *Handlers) secure(c *gin.Context) bool {
	if h.cookie.AlwaysSecure || c.Request.TLS != nil {
		return true
	}
	proto, _, _ := strings.Cut(c.GetHeader("X-Forwarded-Proto"), ",")
	return strings.EqualFold(strings.TrimSpace(proto), "https")
}

func (h *Handlers) setRefreshCookie(c *gin.Context, token string) {
	//nolint:gosec // G124: Secure is set whenever the request came over https; plain http (local development) would make the browser drop a Secure cookie
	http.SetCookie(c.Writer, &http.Cookie{
		Name:     RefreshCookie,
		Value:    token,
		Path:     "/v1/auth",
		MaxAge:   int(h.cookie.TTL / time.Second),
		HttpOnly: true,
		Secure:   h.secure(c),
		SameSite: http.SameSiteStrictMode,
	})
}

func (h *Handlers) clearRefreshCookie(c *gin.Context) {
	//nolint:gosec // G124: as in setRefreshCookie
	http.SetCookie(c.Writer, &http.Cookie{
		Name:     RefreshCookie,
		Value:    "",
		Path:     "/v1/auth",
		MaxAge:   -1,
		HttpOnly: true,
		Secure:   h.secure(c),
		SameSite: http.SameSiteStrictMode,
	})
}
