// Package httpapi is the usage module's HTTP adapter: GET /v1/corporations/{id}/usage.
package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"vms/modules/usage/domain"
	"vms/modules/usage/service"
	"vms/platform/httpserver"
)

// Handler serves the usage route.
type Handler struct {
	svc   *service.Service
	guard *httpserver.Guard
}

var _ httpserver.Registrar = (*Handler)(nil)

// New builds the handler.
func New(svc *service.Service, guard *httpserver.Guard) *Handler {
	return &Handler{svc: svc, guard: guard}
}

// Register adds the route. gin names a path segment once per method, and the corporation
// module's GET /v1/corporations/:name comes first, so the id is read from "name".
func (h *Handler) Register(r gin.IRouter) {
	r.GET("/v1/corporations/:name/usage", h.guard.Required(), h.usage)
}

// UsageResponse is a corporation's storage and its usage per UTC day.
type UsageResponse struct {
	// QuotaBytes is the storage quota of the corporation's effective plan; 0 means no limit.
	QuotaBytes int64 `json:"quota_bytes" validate:"required" minimum:"0" example:"10737418240"`
	// UsedBytes is what the corporation stores now: originals and derived files (posters,
	// HLS) of its videos, deleted ones included.
	UsedBytes int64 `json:"used_bytes" validate:"required" example:"734003200"`
	// ReservedBytes is held by uploads in progress; it counts against the quota too.
	ReservedBytes int64         `json:"reserved_bytes" validate:"required" minimum:"0" example:"0"`
	Days          []DayResponse `json:"days" validate:"required"`
}

// DayResponse is one UTC day of usage.
type DayResponse struct {
	Date string `json:"date" validate:"required" format:"date" example:"2026-01-31"`
	// StoredBytes is what the corporation stored at the end of the day (now, for today).
	StoredBytes int64 `json:"stored_bytes" validate:"required" example:"734003200"`
	// EgressBytes counts the body bytes of stream and HLS responses written to clients.
	EgressBytes int64 `json:"egress_bytes" validate:"required" minimum:"0" example:"1073741824"`
	// FirstViews counts users' first views of the corporation's videos.
	FirstViews int64 `json:"first_views" validate:"required" minimum:"0" example:"12"`
	// Uploads counts the uploads that became videos.
	Uploads int64 `json:"uploads" validate:"required" minimum:"0" example:"3"`
}

func toResponse(r domain.Report) UsageResponse {
	days := make([]DayResponse, 0, len(r.Days))
	for _, d := range r.Days {
		days = append(days, DayResponse{Date: d.Day.String(), StoredBytes: d.StoredBytes, EgressBytes: d.EgressBytes, FirstViews: d.FirstViews, Uploads: d.Uploads})
	}
	return UsageResponse{QuotaBytes: r.QuotaBytes, UsedBytes: r.UsedBytes, ReservedBytes: r.ReservedBytes, Days: days}
}

// usage godoc
//
//	@Summary		Usage and storage quota of a corporation
//	@ID				getCorporationUsage
//	@Description	For admins of the corporation: the storage quota of its effective plan (FREE_STORAGE_QUOTA or PAID_STORAGE_QUOTA; 0 means no limit), the bytes it stores (originals and derived files, deleted videos included) and has reserved for uploads in progress, and per UTC day from `from` to `to` (both included; the last 30 days by default, at most 366) the bytes stored at the end of the day, egress bytes written to clients by stream and HLS responses, first views of its videos and uploads. Egress and first views are counted in memory and written every USAGE_FLUSH_INTERVAL (10 s), so the last seconds may be missing. Another corporation answers 404.
//	@Tags			corporations
//	@Produce		json,application/problem+json
//	@Param			id			path		int		true	"corporation id"	minimum(1)
//	@Param			from		query		string	false	"first day, YYYY-MM-DD (default: 29 days before to)"	format(date)
//	@Param			to			query		string	false	"last day, YYYY-MM-DD (default: today, UTC)"	format(date)
//	@Success		200			{object}	UsageResponse
//	@Failure		400			{object}	httpserver.Problem	"id is not a positive integer"
//	@Failure		401			{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403			{object}	httpserver.Problem	"the caller is not an admin; or an API key (this route is not open to keys)"
//	@Failure		404			{object}	httpserver.Problem	"not the caller's corporation"
//	@Failure		422			{object}	httpserver.Problem	"from or to is not a date, from is after to, or the period is longer than 366 days; named in errors"
//	@Failure		503			{object}	httpserver.Problem	"the database is unavailable"
//	@Security		BearerAuth
//	@Router			/v1/corporations/{id}/usage [get]
func (h *Handler) usage(c *gin.Context) {
	id, err := httpserver.ParseID(c.Param("name"), "id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	caller, _ := httpserver.Caller(c)
	r, err := h.svc.Report(c.Request.Context(), caller, id, c.Query("from"), c.Query("to"))
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toResponse(r))
}
