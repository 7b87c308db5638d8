// Package httpapi is the video module's HTTP adapter: the /v1/videos and /v1/view-logs
// routes, their request and response bodies and their API documentation.
package httpapi

import (
	"github.com/gin-gonic/gin"

	"vms/modules/video/service"
	"vms/platform/httpserver"
	"vms/platform/principal"
)

// Handler serves the video routes.
type Handler struct {
	svc   *service.Service
	guard *httpserver.Guard
	cors  *httpserver.CORS
}

var _ httpserver.Registrar = (*Handler)(nil)

// New builds the handler.
func New(svc *service.Service, guard *httpserver.Guard, cors *httpserver.CORS) *Handler {
	return &Handler{svc: svc, guard: guard, cors: cors}
}

// Register adds the routes. Within one method gin needs the same wildcard name at the
// same position, so /v1/videos/:id names a corporation on GET and a video elsewhere.
// API keys may read videos with videos:read and change them with videos:write; playback
// URLs, streams and view logs are for users only (only users view).
func (h *Handler) Register(r gin.IRouter) {
	signed := h.guard.Required()
	read, write := h.guard.Required(principal.VideosRead), h.guard.Required(principal.VideosWrite)
	maybe := h.guard.Optional(principal.VideosRead)
	v := r.Group("/v1/videos")
	v.POST("", write, h.create)
	v.GET("", maybe, h.listLive)
	v.GET("/:id", read, h.listByCorporation)
	v.GET("/id/:id", maybe, h.get)
	v.PUT("/:id", write, h.update)
	v.DELETE("/:id", write, h.delete)
	v.PUT("/:id/restore", write, h.restore)
	v.GET("/:id/playback", signed, h.playback)
	v.GET("/:id/poster", maybe, h.poster)
	v.POST("/:id/process", write, h.process)
	// Streams and HLS files: web players on CORS_ORIGINS may fetch them.
	cors, stream := h.cors.Allow(), h.guard.Stream()
	v.GET("/stream/:id", cors, stream, h.stream)
	v.HEAD("/stream/:id", cors, stream, h.streamHead)
	v.OPTIONS("/stream/:id", h.streamPreflight)
	v.GET("/:id/hls/*path", cors, stream, byHLSPath(h.hlsMaster, h.hlsFile))
	v.HEAD("/:id/hls/*path", cors, stream, byHLSPath(h.hlsMasterHead, h.hlsFileHead))
	v.OPTIONS("/:id/hls/*path", byHLSPath(h.hlsMasterPreflight, h.hlsFilePreflight))

	l := r.Group("/v1/view-logs")
	l.POST("", signed, h.createViewLog)
	l.GET("/:user_id/:video_id", signed, h.hasViewed)
}

// caller returns the principal the guard put on the request. Routes behind the guard
// always have one; the zero principal (no rights, the anonymous viewer) is what an
// anonymous request on an open route gets.
func caller(c *gin.Context) principal.Principal {
	p, _ := httpserver.Caller(c)
	return p
}

// byHLSPath sends the master playlist to master and any other HLS path to file: one gin
// route serves what the API document describes as two paths.
func byHLSPath(master, file gin.HandlerFunc) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Param("path") == "/master.m3u8" {
			master(c)
			return
		}
		file(c)
	}
}
