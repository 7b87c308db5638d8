package httpserver

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"vms/platform/principal"
)

// Authenticator resolves the caller of a request from its credentials. The auth module
// implements it. allowPlayback lets a playback token (?token=…) stand in for a Bearer
// token; the principal then carries the one video it may stream.
type Authenticator interface {
	Authenticate(r *http.Request, allowPlayback bool) (principal.Principal, error)
}

// Guard is the authentication middleware every module puts in front of its protected
// routes. A user passes on to the handler, which checks its role; an API key passes only
// on a route that names the scopes it needs, and only when it holds them (403 otherwise,
// naming the missing scope). A route that names no scope is closed to keys, so a new
// route is never open to keys by accident.
type Guard struct{ auth Authenticator }

// NewGuard builds the guard over the authenticator.
func NewGuard(a Authenticator) *Guard { return &Guard{auth: a} }

// Required answers 401 unless the request carries a valid Bearer token: a user's access
// token, or an API key holding every one of the scopes (none named: no key).
func (g *Guard) Required(scopes ...principal.Scope) gin.HandlerFunc {
	return g.handler(false, scopes)
}

// Optional lets a request without an Authorization header through as anonymous (no
// principal); one that carries the header must authenticate as with Required, so a bad
// or expired token is a 401 rather than a silent downgrade to anonymous, and a key
// without the scopes a 403.
func (g *Guard) Optional(scopes ...principal.Scope) gin.HandlerFunc {
	required := g.handler(false, scopes)
	return func(c *gin.Context) {
		if c.GetHeader("Authorization") == "" {
			c.Next()
			return
		}
		required(c)
	}
}

// Stream answers 401 unless the request carries a valid Bearer token or playback token.
// Streams record views, which only users make: API keys are refused.
func (g *Guard) Stream() gin.HandlerFunc { return g.handler(true, nil) }

func (g *Guard) handler(allowPlayback bool, scopes []principal.Scope) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, err := g.auth.Authenticate(c.Request, allowPlayback)
		if err == nil {
			err = p.Require(scopes...)
		}
		if err != nil {
			Fail(c, err)
			return
		}
		c.Request = c.Request.WithContext(principal.With(c.Request.Context(), p))
		c.Next()
	}
}

// Caller returns the authenticated principal of the request. It is only valid behind the
// guard; elsewhere ok is false.
func Caller(c *gin.Context) (principal.Principal, bool) {
	return principal.From(c.Request.Context())
}
