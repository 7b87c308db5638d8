package httpserver

import (
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// Check is one readiness check (database, storage, …).
type Check interface {
	Name() string
	Check(ctx context.Context) error
}

// CheckFunc adapts a function to a Check.
func CheckFunc(name string, fn func(ctx context.Context) error) Check { return checkFunc{name, fn} }

type checkFunc struct {
	name string
	fn   func(ctx context.Context) error
}

func (c checkFunc) Name() string                    { return c.name }
func (c checkFunc) Check(ctx context.Context) error { return c.fn(ctx) }

// HealthStatus is the body of /healthz and /readyz.
type HealthStatus struct {
	Status string            `json:"status" validate:"required" enums:"ok,unavailable" example:"ok"`
	Checks map[string]string `json:"checks,omitempty" example:"database:ok,storage:ok"`
}

// Health serves /healthz and /readyz.
type Health struct{ checks []Check }

// NewHealth builds the health routes over the readiness checks.
func NewHealth(checks []Check) *Health { return &Health{checks: checks} }

// Register adds the routes.
func (h *Health) Register(r gin.IRouter) {
	r.GET("/healthz", h.live)
	r.HEAD("/healthz", h.live)
	r.GET("/readyz", h.ready)
	r.HEAD("/readyz", h.ready)
}

// live godoc
//
//	@Summary		Liveness
//	@ID			live
//	@Description	Answers 200 while the process serves requests; it checks nothing else.
//	@Tags			health
//	@Produce	json
//	@Success	200	{object}	HealthStatus
//	@Router		/healthz [get]
func (h *Health) live(c *gin.Context) {
	c.JSON(http.StatusOK, HealthStatus{Status: "ok"})
}

// ready godoc
//
//	@Summary		Readiness: the database answers and the storage is writable
//	@ID			ready
//	@Description	Runs every readiness check; 503 names the failing ones in checks. The body is a HealthStatus in both cases, not a problem, so that probes and people see every check.
//	@Tags			health
//	@Produce		json
//	@Success		200	{object}	HealthStatus
//	@Failure		503	{object}	HealthStatus	"a check failed (database or storage)"
//	@Router		/readyz [get]
func (h *Health) ready(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	out := HealthStatus{Status: "ok", Checks: map[string]string{}}
	status := http.StatusOK
	for _, ch := range h.checks {
		if err := ch.Check(ctx); err != nil {
			out.Checks[ch.Name()] = "failing: " + err.Error()
			out.Status = "unavailable"
			status = http.StatusServiceUnavailable
			continue
		}
		out.Checks[ch.Name()] = "ok"
	}
	c.Header("Cache-Control", "no-store")
	c.JSON(status, out)
}
