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

// Guard is the authentication middleware every module puts in front of its protected routes.
type Guard struct{ auth Authenticator }

// NewGuard builds the guard over the authenticator.
func NewGuard(a Authenticator) *Guard { return &Guard{auth: a} }

// Required answers 401 unless the request carries a valid Bearer access token.
func (g *Guard) Required() gin.HandlerFunc { return g.handler(false) }

// Optional lets a request without an Authorization header through as anonymous (no
// principal); one that carries the header must authenticate as with Required, so a bad
// or expired token is a 401 rather than a silent downgrade to anonymous.
func (g *Guard) Optional() gin.HandlerFunc {
	required := g.handler(false)
	return func(c *gin.Context) {
		if c.GetHeader("Authorization") == "" {
			c.Next()
			return
		}
		required(c)
	}
}

// Stream answers 401 unless the request carries a valid Bearer token or playback token.
func (g *Guard) Stream() gin.HandlerFunc { return g.handler(true) }

func (g *Guard) handler(allowPlayback bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, err := g.auth.Authenticate(c.Request, allowPlayback)
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
