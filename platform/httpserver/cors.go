package httpserver

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"vms/platform/config"
)

// CORS lets web players on the listed origins (CORS_ORIGINS) fetch streams and
// playlists: an allowed Origin is echoed (never "*"), with Vary: Origin, and the range
// headers a player reads are exposed. No credentials mode is offered: players
// authenticate with tokens in URLs or an Authorization header, never cookies.
type CORS struct {
	origins map[string]bool
}

// NewCORS builds the policy from the configuration.
func NewCORS(cfg config.Config) *CORS {
	c := &CORS{origins: map[string]bool{}}
	for _, o := range cfg.CORSOrigins {
		c.origins[strings.ToLower(o)] = true
	}
	return c
}

const (
	corsMethods = "GET, HEAD, OPTIONS"
	corsHeaders = "Authorization, Range, If-Range, If-None-Match, If-Modified-Since"
	corsExpose  = "Content-Length, Content-Range, Accept-Ranges, ETag, Last-Modified"
)

// Allow adds the CORS answer headers to requests from an allowed origin.
func (c *CORS) Allow() gin.HandlerFunc {
	return func(ctx *gin.Context) {
		c.headers(ctx)
		ctx.Next()
	}
}

// Preflight answers an OPTIONS preflight: 204, with the allowed methods and headers for
// an allowed origin, without them for any other (the browser then refuses).
func (c *CORS) Preflight() gin.HandlerFunc {
	return func(ctx *gin.Context) {
		if c.headers(ctx) {
			h := ctx.Writer.Header()
			h.Set("Access-Control-Allow-Methods", corsMethods)
			h.Set("Access-Control-Allow-Headers", corsHeaders)
			h.Set("Access-Control-Max-Age", "600")
		}
		ctx.Status(http.StatusNoContent)
	}
}

func (c *CORS) headers(ctx *gin.Context) bool {
	h := ctx.Writer.Header()
	h.Add("Vary", "Origin")
	origin := ctx.GetHeader("Origin")
	if origin == "" || !c.origins[strings.ToLower(origin)] {
		return false
	}
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Expose-Headers", corsExpose)
	return true
}
