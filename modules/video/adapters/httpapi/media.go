package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"vms/platform/httpserver"
)

// poster godoc
//
//	@Summary		A video's poster
//	@ID				getVideoPoster
//	@Description	The JPEG poster media processing took from the video (at most 1280 px wide, at 1 s or 10 % of the duration, whichever is earlier). The same access rule as reading the video: a public video for anyone, a private one for members of its corporation only. 404 until processing has made one (and always for videos registered from a source URL, which are not processed). Answers carry an ETag; send it back in If-None-Match to get a 304.
//	@Tags			videos
//	@Produce		image/jpeg,application/problem+json
//	@Param			id	path		int	true	"video id"	minimum(1)
//	@Success		200	{file}		file
//	@Success		304
//	@Header			200	{string}	ETag	"entity tag of this poster"
//	@Failure		400	{object}	httpserver.Problem	"id is not a positive integer"
//	@Failure		401	{object}	httpserver.Problem	"an Authorization header was sent but its token is not valid"
//	@Failure		403	{object}	httpserver.Problem	"an API key without videos:read"
//	@Failure		404	{object}	httpserver.Problem	"no such live video, a private video of another corporation, or no poster yet"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Security		BearerAuth
//	@Router			/v1/videos/{id}/poster [get]
func (h *Handler) poster(c *gin.Context) {
	id, err := httpserver.PathID(c, "id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	p, err := h.svc.Poster(c.Request.Context(), caller(c), id)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	defer p.Body.Close()
	w := c.Writer
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("ETag", p.ETag)
	// Tenant data: never in shared caches; browsers revalidate with the ETag, which
	// changes when the video is processed again.
	w.Header().Set("Cache-Control", "private, no-cache")
	http.ServeContent(w, c.Request, "", p.ModTime, p.Body)
}

// process godoc
//
//	@Summary		Process a video's media again
//	@ID				processVideo
//	@Description	Runs media processing of an uploaded video again in the background (for example after it failed): the answer is the video with media.status "processing"; poll GET /v1/videos/id/{id} until it is "ready" or "failed". Needs an admin of the owning corporation. 409 for a video registered from a source URL (source URLs are never handed to the media tools) and when media processing is off on this server.
//	@Tags			videos
//	@Produce		json,application/problem+json
//	@Param			id	path		int	true	"video id"	minimum(1)
//	@Success		202	{object}	videoResponse
//	@Failure		400	{object}	httpserver.Problem	"id is not a positive integer"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403	{object}	httpserver.Problem	"caller is not an admin; or an API key without videos:write"
//	@Failure		404	{object}	httpserver.Problem	"no such live video in the caller's corporation"
//	@Failure		409	{object}	httpserver.Problem	"the video comes from a source URL, or media processing is off"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Security		BearerAuth
//	@Router			/v1/videos/{id}/process [post]
func (h *Handler) process(c *gin.Context) {
	id, err := httpserver.PathID(c, "id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	v, err := h.svc.Process(c.Request.Context(), caller(c), id)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, toResponse(v))
}
