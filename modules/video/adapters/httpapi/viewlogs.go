package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"vms/modules/video/domain"
	"vms/platform/httpserver"
)

// createViewLog godoc
//
//	@Summary		Record a view
//	@Description	Records the caller's first view of a live video and credits POINTS_PER_VIEW points (201). Any signed-in user may view any live video. A repeat answers 200 with the existing log and points_awarded 0.
//	@Tags			view-logs
//	@Accept			json
//	@Produce		json
//	@Param			body	body		createViewLogRequest	true	"video to view"
//	@Success		201		{object}	viewLogResponse
//	@Success		200		{object}	viewLogResponse
//	@Failure		400		{object}	httpserver.Problem
//	@Failure		401		{object}	httpserver.Problem
//	@Failure		404		{object}	httpserver.Problem
//	@Failure		422		{object}	httpserver.Problem
//	@Security		BearerAuth
//	@Router			/v1/view-logs [post]
func (h *Handler) createViewLog(c *gin.Context) {
	var req createViewLogRequest
	if err := httpserver.BindJSON(c, &req); err != nil {
		httpserver.Fail(c, err)
		return
	}
	if req.VideoID == nil || *req.VideoID <= 0 {
		httpserver.Fail(c, domain.Invalid("video_id", "must be a positive integer"))
		return
	}
	view, err := h.svc.ViewVideo(c.Request.Context(), caller(c), *req.VideoID)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	status := http.StatusOK
	if view.Created {
		status = http.StatusCreated
	}
	c.JSON(status, viewToResponse(view))
}

// hasViewed godoc
//
//	@Summary		Has a user viewed a video
//	@Description	For the user themself or an admin of the user's corporation.
//	@Tags			view-logs
//	@Produce		json
//	@Param			user_id		path		int	true	"user id"
//	@Param			video_id	path		int	true	"video id"
//	@Success		200			{boolean}	bool
//	@Failure		400			{object}	httpserver.Problem
//	@Failure		401			{object}	httpserver.Problem
//	@Failure		403			{object}	httpserver.Problem
//	@Security		BearerAuth
//	@Router			/v1/view-logs/{user_id}/{video_id} [get]
func (h *Handler) hasViewed(c *gin.Context) {
	userID, err := httpserver.PathID(c, "user_id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	videoID, err := httpserver.PathID(c, "video_id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	ok, err := h.svc.HasViewed(c.Request.Context(), caller(c), userID, videoID)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ok)
}
