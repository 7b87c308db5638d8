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
//	@ID			recordView
//	@Description	Records the caller's first view of a live video and credits POINTS_PER_VIEW points (201). Any signed-in user may view a live public video or one of their own corporation. A repeat answers 200 with the existing log and points_awarded 0.
//	@Tags			view-logs
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Param			body	body		createViewLogRequest	true	"video to view"
//	@Success		201		{object}	viewLogResponse
//	@Success		200		{object}	viewLogResponse
//	@Failure		400	{object}	httpserver.Problem	"malformed JSON, or a body that is not one JSON object"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403	{object}	httpserver.Problem	"an API key (only users stream and view)"
//	@Failure		404	{object}	httpserver.Problem	"no such live video, or a private video of another corporation"
//	@Failure		413	{object}	httpserver.Problem	"request body larger than 1 MiB"
//	@Failure		415	{object}	httpserver.Problem	"request body is not application/json"
//	@Failure		422	{object}	httpserver.Problem	"missing or invalid video_id"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
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
//	@ID			hasViewed
//	@Description	For the user themself or an admin of the user's corporation, about a live video the caller may see.
//	@Tags			view-logs
//	@Produce		json,application/problem+json
//	@Param			user_id		path		int	true	"user id"	minimum(1)
//	@Param			video_id	path		int	true	"video id"	minimum(1)
//	@Success		200			{boolean}	bool
//	@Failure		400	{object}	httpserver.Problem	"user_id or video_id is not a positive integer"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403	{object}	httpserver.Problem	"caller is neither the user nor an admin of the user's corporation; or an API key (only users stream and view)"
//	@Failure		404	{object}	httpserver.Problem	"no such live video, or a private video of another corporation"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
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
