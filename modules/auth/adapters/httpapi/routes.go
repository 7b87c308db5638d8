package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"vms/modules/auth/service"
	"vms/platform/httpserver"
)

// Handlers serves the auth routes.
type Handlers struct {
	svc    *service.Service
	guard  *httpserver.Guard
	cookie CookieOptions
}

var _ httpserver.Registrar = (*Handlers)(nil)

// NewHandlers builds the handlers.
func NewHandlers(svc *service.Service, guard *httpserver.Guard, cookie CookieOptions) *Handlers {
	return &Handlers{svc: svc, guard: guard, cookie: cookie}
}

// Register adds the routes.
func (h *Handlers) Register(r gin.IRouter) {
	r.POST("/v1/auth/login", h.login)
	r.POST("/v1/auth/refresh", h.refresh)
	r.POST("/v1/auth/logout", h.guard.Required(), h.logout)
	r.POST("/v1/auth/logout-all", h.guard.Required(), h.logoutAll)
	r.GET("/v1/tokens/:user_id", h.guard.Required(), h.listTokens)
}

// noStore keeps token responses out of every cache.
func noStore(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.Header("Pragma", "no-cache")
}

func writeTokens(c *gin.Context, resp TokenResponse) {
	noStore(c)
	c.JSON(http.StatusOK, resp)
}
