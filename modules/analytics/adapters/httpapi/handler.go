// Package httpapi is the analytics module's HTTP adapter: GET /v1/videos/{id}/analytics,
// its answer and its API documentation.
package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"vms/modules/analytics/domain"
	"vms/modules/analytics/service"
	"vms/platform/httpserver"
	"vms/platform/principal"
)

// Handler serves the analytics route.
type Handler struct {
	svc   *service.Reports
	guard *httpserver.Guard
}

var _ httpserver.Registrar = (*Handler)(nil)

// New builds the handler.
func New(svc *service.Reports, guard *httpserver.Guard) *Handler {
	return &Handler{svc: svc, guard: guard}
}

// Register adds the route. The video module names the same path segment :id, as gin
// needs within one method.
func (h *Handler) Register(r gin.IRouter) {
	r.GET("/v1/videos/:id/analytics", h.guard.Required(principal.AnalyticsRead), h.report)
}

// analyticsResponse is a video's watch analytics, from the byte ranges the server sent
// each user (originals and HLS segments) mapped to media time.
type analyticsResponse struct {
	// users who watched at least one whole second
	UniqueViewers int `json:"unique_viewers" validate:"required" minimum:"0" example:"12"`
	// each viewer's distinct seconds watched, added up
	TotalWatchSeconds int64 `json:"total_watch_seconds" validate:"required" minimum:"0" example:"1534"`
	// the median of the viewers' distinct seconds watched; 0 without viewers
	MedianWatchSeconds float64 `json:"median_watch_seconds" validate:"required" minimum:"0" example:"118.5"`
	// the share of viewers who watched at least 90 % of the duration
	CompletionRate float64 `json:"completion_rate" validate:"required" minimum:"0" maximum:"1" example:"0.25"`
	// 20 shares, one per twentieth of the duration: the viewers who watched the second at its middle
	Retention []float64 `json:"retention" validate:"required,min=20,max=20" example:"1,1,0.92,0.92,0.83,0.83,0.75,0.75,0.67,0.58,0.58,0.5,0.5,0.42,0.42,0.33,0.33,0.25,0.25,0.25"`
}

func toResponse(r domain.Report) analyticsResponse {
	return analyticsResponse{
		UniqueViewers: r.UniqueViewers, TotalWatchSeconds: r.TotalWatchSeconds, MedianWatchSeconds: r.MedianWatchSeconds,
		CompletionRate: r.CompletionRate, Retention: r.Retention[:],
	}
}

// report godoc
//
//	@Summary		A video's watch analytics
//	@ID				getVideoAnalytics
//	@Description	Who watched how much of the video, from what the server itself sent: the byte ranges of the original (MP4 or QuickTime, mapped to media time through the file's sample index) and the HLS segments (through the rendition's playlist) each user fetched. A second counts for a user when all of its bytes were sent to them, once however often; a player that fetches only the index at the end of the file has watched nothing. Completion is at least 90 % of the duration watched; retention has 20 shares, one per twentieth of the duration. Originals in other formats (WebM, …) and videos registered from a source URL count nothing. The figures are flushed from memory every ANALYTICS_FLUSH_INTERVAL (10 s by default) on each replica. Needs an admin of the owning corporation.
//	@Tags			videos
//	@Produce		json,application/problem+json
//	@Param			id	path		int	true	"video id"	minimum(1)
//	@Success		200	{object}	analyticsResponse
//	@Failure		400	{object}	httpserver.Problem	"id is not a positive integer"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403	{object}	httpserver.Problem	"caller is not an admin; or an API key without analytics:read"
//	@Failure		404	{object}	httpserver.Problem	"no such live video in the caller's corporation"
//	@Failure		503	{object}	httpserver.Problem	"the database is unavailable"
//	@Security		BearerAuth
//	@Router			/v1/videos/{id}/analytics [get]
func (h *Handler) report(c *gin.Context) {
	id, err := httpserver.PathID(c, "id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	p, _ := httpserver.Caller(c)
	r, err := h.svc.Report(c.Request.Context(), p, id)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toResponse(r))
}
