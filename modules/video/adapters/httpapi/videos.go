package httpapi

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"vms/modules/video/domain"
	"vms/platform/httpserver"
	"vms/platform/kind"
)

// create godoc
//
//	@Summary		Create a video
//	@ID			createVideo
//	@Description	JSON {name, file_path, visibility} registers an http(s) source URL. A multipart/form-data body with the parts "name" (text), optionally "visibility" (text) and "file" (the video) uploads a file instead. visibility is "private" (the default: members of the corporation only) or "public" (listed and read by anyone, streamed by any signed-in user). An uploaded file is streamed to storage, at most MAX_UPLOAD_BYTES, its type is sniffed from its first bytes (video types only) and it is stored under a generated name, never the client's file name. Before the body is read the upload reserves its Content-Length (MAX_UPLOAD_BYTES without one) against the storage quota of the corporation's effective plan; the video then counts its size.
//	@Tags			videos
//	@Accept			json,mpfd
//	@Produce		json,application/problem+json
//	@Param			body	body		createVideoRequest	true	"source URL video (JSON)"
//	@x-multipart-form	{"type":"object","required":["name","file"],"properties":{"name":{"type":"string","minLength":1,"maxLength":200,"example":"Product tour"},"visibility":{"type":"string","enum":["private","public"],"example":"public","description":"private when absent"},"file":{"type":"string","format":"binary","description":"the video; its type is sniffed from its first bytes"}}}
//	@Success		201		{object}	videoResponse
//	@Failure		400	{object}	httpserver.Problem	"malformed JSON or multipart body"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403	{object}	httpserver.Problem	"caller is not an admin; or an API key without videos:write"
//	@Failure		413	{object}	httpserver.Problem	"file larger than MAX_UPLOAD_BYTES, JSON body larger than 1 MiB, or an upload whose Content-Length (MAX_UPLOAD_BYTES without one) does not fit in the storage quota of the corporation's plan beside what it stores and has reserved (type /problems/quota-exceeded, with quota, used and requested in bytes; nothing is stored)"
//	@Failure		415	{object}	httpserver.Problem	"body is neither JSON nor multipart, or the file is not a video"
//	@Failure		422	{object}	httpserver.Problem	"missing or invalid fields (e.g. a file_path that is not http(s), a visibility other than private or public), named in errors"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Security		BearerAuth
//	@Router			/v1/videos [post]
func (h *Handler) create(c *gin.Context) {
	if strings.HasPrefix(c.ContentType(), "multipart/") {
		h.upload(c)
		return
	}
	var req createVideoRequest
	if err := httpserver.BindJSON(c, &req); err != nil {
		httpserver.Fail(c, err)
		return
	}
	v, err := h.svc.CreateFromURL(c.Request.Context(), caller(c), req.Name, req.FilePath, req.Visibility)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, toResponse(v))
}

// listLive godoc
//
//	@Summary		List live videos
//	@Description	Anonymous callers get the public videos; a signed-in caller gets the public videos plus every video of their own corporation. Videos of deleted corporations are never listed.
//	@ID			listVideos
//	@Tags		videos
//	@Produce		json,application/problem+json
//	@Param			q		query		string	false	"keep videos whose name contains q, ignoring case (% and _ match themselves)"	maxLength(200)	extensions(x-example=tour)
//	@Param		limit	query		int		false	"page size"	default(20)	minimum(1)	maximum(100)
//	@Param		cursor	query		string	false	"opaque cursor from the Link header (rel=next) of the previous page"	minLength(1)	maxLength(64)	pattern(^[A-Za-z0-9_-]+$)	extensions(x-example=aWQ6MjA)
//	@Success	200		{array}		videoResponse
//	@Header		200		{string}	Link	"next page: <…>; rel=\"next\""
//	@Failure		400	{object}	httpserver.Problem	"limit or cursor is not valid"
//	@Failure		401	{object}	httpserver.Problem	"an Authorization header was sent but its token is not valid"
//	@Failure		403	{object}	httpserver.Problem	"an API key without videos:read"
//	@Failure		422	{object}	httpserver.Problem	"q is longer than 200 characters or not valid text"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Security		BearerAuth
//	@Router			/v1/videos [get]
func (h *Handler) listLive(c *gin.Context) {
	page, err := httpserver.ParsePage(c)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	vs, err := h.svc.ListLive(c.Request.Context(), caller(c), c.Query("q"), page.After, page.Limit)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	writePage(c, page, vs)
}

// listByCorporation godoc
//
//	@Summary		List a corporation's videos
//	@ID			listCorporationVideos
//	@Description	Live videos of the corporation: all of them for its members, its public ones for anyone else (an unknown corporation has none). With deleted=true its deleted videos, for the corporation's admins only.
//	@Tags			videos
//	@Produce		json,application/problem+json
//	@Param			id		path		int		true	"corporation id"	minimum(1)
//	@Param			deleted	query		bool	false	"true lists the deleted videos (trash), for the corporation's admins"	default(false)
//	@Param			q		query		string	false	"keep videos whose name contains q, ignoring case (% and _ match themselves)"	maxLength(200)	extensions(x-example=tour)
//	@Param			limit	query		int		false	"page size"	default(20)	minimum(1)	maximum(100)
//	@Param			cursor	query		string	false	"opaque cursor from the Link header (rel=next) of the previous page"	minLength(1)	maxLength(64)	pattern(^[A-Za-z0-9_-]+$)	extensions(x-example=aWQ6MjA)
//	@Success		200		{array}		videoResponse
//	@Header			200		{string}	Link	"next page: <…>; rel=\"next\""
//	@Failure		400	{object}	httpserver.Problem	"id is not a positive integer, or limit, cursor or deleted is not valid"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403	{object}	httpserver.Problem	"deleted=true from someone who is not an admin of the corporation; or an API key without videos:read"
//	@Failure		422	{object}	httpserver.Problem	"q is longer than 200 characters or not valid text"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Security		BearerAuth
//	@Router			/v1/videos/{id} [get]
func (h *Handler) listByCorporation(c *gin.Context) {
	corpID, err := httpserver.ParseID(c.Param("id"), "corporation_id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	deleted := false
	if raw, ok := c.GetQuery("deleted"); ok {
		deleted, err = strconv.ParseBool(raw)
		if err != nil {
			httpserver.Fail(c, kind.NewFields(kind.BadRequest, "deleted must be true or false", map[string]string{"deleted": "must be true or false"}))
			return
		}
	}
	page, err := httpserver.ParsePage(c)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	vs, err := h.svc.ListByCorporation(c.Request.Context(), caller(c), corpID, deleted, c.Query("q"), page.After, page.Limit)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	writePage(c, page, vs)
}

func writePage(c *gin.Context, page httpserver.Page, vs []domain.Video) {
	if len(vs) > 0 {
		httpserver.SetNextLink(c, page, len(vs), vs[len(vs)-1].ID)
	}
	c.JSON(http.StatusOK, toResponses(vs))
}

// get godoc
//
//	@Summary		Get a live video
//	@Description	A public video for anyone; a private one for members of its corporation only (404 for anyone else).
//	@ID			getVideo
//	@Tags		videos
//	@Produce		json,application/problem+json
//	@Param		id	path		int	true	"video id"	minimum(1)
//	@Success	200	{object}	videoResponse
//	@Failure		400	{object}	httpserver.Problem	"id is not a positive integer"
//	@Failure		401	{object}	httpserver.Problem	"an Authorization header was sent but its token is not valid"
//	@Failure		403	{object}	httpserver.Problem	"an API key without videos:read"
//	@Failure		404	{object}	httpserver.Problem	"no such live video, or a private video of another corporation"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Security		BearerAuth
//	@Router			/v1/videos/id/{id} [get]
func (h *Handler) get(c *gin.Context) {
	id, err := httpserver.PathID(c, "id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	v, err := h.svc.Get(c.Request.Context(), caller(c), id)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toResponse(v))
}

// update godoc
//
//	@Summary		Change a video
//	@ID			updateVideo
//	@Description	Renames a video; file_path changes the source URL of a video registered from a URL; visibility makes it private or public.
//	@Tags			videos
//	@Accept			json
//	@Produce		json,application/problem+json
//	@Param			id		path		int					true	"video id"	minimum(1)
//	@Param			body	body		updateVideoRequest	true	"fields to change"
//	@Success		200		{object}	videoResponse
//	@Failure		400	{object}	httpserver.Problem	"id is not a positive integer, or malformed JSON"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403	{object}	httpserver.Problem	"caller is not an admin of the owning corporation; or an API key without videos:write"
//	@Failure		404	{object}	httpserver.Problem	"no such live video"
//	@Failure		413	{object}	httpserver.Problem	"request body larger than 1 MiB"
//	@Failure		415	{object}	httpserver.Problem	"request body is not application/json"
//	@Failure		422	{object}	httpserver.Problem	"invalid fields (e.g. file_path on an uploaded video, a visibility other than private or public), named in errors"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Security		BearerAuth
//	@Router			/v1/videos/{id} [put]
func (h *Handler) update(c *gin.Context) {
	id, err := httpserver.PathID(c, "id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	var req updateVideoRequest
	if err := httpserver.BindJSON(c, &req); err != nil {
		httpserver.Fail(c, err)
		return
	}
	ch := domain.Changes{Name: req.Name, SourceURL: req.FilePath}
	if req.Visibility != nil {
		vis := domain.Visibility(*req.Visibility)
		ch.Visibility = &vis
	}
	v, err := h.svc.Update(c.Request.Context(), caller(c), id, ch)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toResponse(v))
}

// delete godoc
//
//	@Summary	Delete a video (soft delete)
//	@Description	Soft-deletes the video: it leaves every list and stream at once; an admin of a corporation on the PAID plan may restore it.
//	@ID			deleteVideo
//	@Tags		videos
//	@Produce		json,application/problem+json
//	@Param		id	path	int	true	"video id"	minimum(1)
//	@Success	204
//	@Failure		400	{object}	httpserver.Problem	"id is not a positive integer"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403	{object}	httpserver.Problem	"caller is not an admin of the owning corporation; or an API key without videos:write"
//	@Failure		404	{object}	httpserver.Problem	"no such live video"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Security	BearerAuth
//	@Router		/v1/videos/{id} [delete]
func (h *Handler) delete(c *gin.Context) {
	id, err := httpserver.PathID(c, "id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	if err := h.svc.Delete(c.Request.Context(), caller(c), id); err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// restore godoc
//
//	@Summary		Restore a deleted video
//	@ID			restoreVideo
//	@Description	Needs an admin of the owning corporation and the corporation's effective PAID plan.
//	@Tags			videos
//	@Produce		json,application/problem+json
//	@Param			id	path		int	true	"video id"	minimum(1)
//	@Success		200	{object}	videoResponse
//	@Failure		400	{object}	httpserver.Problem	"id is not a positive integer"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403	{object}	httpserver.Problem	"caller is not an admin of the owning corporation, or its effective plan is not PAID; or an API key without videos:write"
//	@Failure		404	{object}	httpserver.Problem	"no such video, or it is not deleted"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Security		BearerAuth
//	@Router			/v1/videos/{id}/restore [put]
func (h *Handler) restore(c *gin.Context) {
	id, err := httpserver.PathID(c, "id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	v, err := h.svc.Restore(c.Request.Context(), caller(c), id)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.JSON(http.StatusOK, toResponse(v))
}

// playback godoc
//
//	@Summary		Get a playback URL
//	@ID			getPlaybackURL
//	@Description	A short-lived URL with a token bound to the caller and the video, for a video element that cannot send an Authorization header. For a public video or one of the caller's corporation. Once the video has HLS renditions, hls_url is the master playlist with the same token (for hls.js, Safari, ffmpeg); the playlists it leads to carry tokens of their own that last the whole viewing.
//	@Tags			videos
//	@Produce		json,application/problem+json
//	@Param			id	path		int	true	"video id"	minimum(1)
//	@Success		200	{object}	playbackResponse
//	@Failure		400	{object}	httpserver.Problem	"id is not a positive integer"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token, or its user was deleted"
//	@Failure		403	{object}	httpserver.Problem	"an API key (only users stream and view)"
//	@Failure		404	{object}	httpserver.Problem	"no such live video, or a private video of another corporation"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Security		BearerAuth
//	@Router			/v1/videos/{id}/playback [get]
func (h *Handler) playback(c *gin.Context) {
	id, err := httpserver.PathID(c, "id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	p, err := h.svc.Playback(c.Request.Context(), caller(c), id)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	res := playbackResponse{
		URL:       "/v1/videos/stream/" + strconv.FormatInt(id, 10) + "?token=" + url.QueryEscape(p.Token),
		ExpiresAt: p.ExpiresAt.UTC(),
	}
	if p.HLS {
		u := "/v1/videos/" + strconv.FormatInt(id, 10) + "/hls/master.m3u8?token=" + url.QueryEscape(p.Token)
		res.HLSURL = &u
	}
	c.JSON(http.StatusOK, res)
}
