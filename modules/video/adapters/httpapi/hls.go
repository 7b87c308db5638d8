package httpapi

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"vms/modules/video/adapters/stream"
	"vms/modules/video/domain"
	"vms/platform/httpserver"
)

// hlsMasterHead godoc
//
//	@Summary		Headers of the HLS master playlist
//	@ID				hlsMasterHead
//	@Description	What GET would answer, without the body and without recording a view.
//	@Tags			videos
//	@Produce		application/vnd.apple.mpegurl,video/mp4,video/iso.segment,application/problem+json
//	@Param			id		path		int		true	"video id"	minimum(1)
//	@Param			token	query		string	false	"playback token (instead of the Authorization header)"	minLength(1)	extensions(x-example=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...)
//	@Param			v		query		string	false	"version of the rendition set, added by the playlists; ignored"	maxLength(64)	extensions(x-example=3fa1b2c4d5e6)
//	@Param			Range	header		string	false	"byte range per RFC 9110 (segments and init sections)"	minLength(1)	extensions(x-example=bytes=0-1023)
//	@Success		200		{file}		file
//	@Success		206		{file}		file
//	@Success		304
//	@Failure		400	{object}	httpserver.Problem	"id is not a positive integer"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token or playback token"
//	@Failure		403	{object}	httpserver.Problem	"an API key (only users stream and view)"
//	@Failure		404	{object}	httpserver.Problem	"no such live video, no HLS renditions (yet), or no such file"
//	@Failure		412	{object}	httpserver.Problem	"If-Match or If-Unmodified-Since does not hold for the file"
//	@Failure		416	{object}	httpserver.Problem	"the range cannot be satisfied; Content-Range: bytes */size"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Header			200,206	{string}	Cache-Control	"private, no-cache (playlists) or private, max-age=31536000, immutable (init sections and segments)"
//	@Header			206		{string}	Content-Range	"bytes 0-1023/88925"
//	@Security		BearerAuth
//	@Security		PlaybackToken
//	@Router			/v1/videos/{id}/hls/master.m3u8 [head]
func (h *Handler) hlsMasterHead(c *gin.Context) { h.hls(c) }

// hlsMaster godoc
//
//	@Summary		HLS master playlist of a video
//	@ID				hlsMaster
//	@Description	The adaptive (HLS, fMP4) renditions media processing made of an upload: the master playlist master.m3u8, then per rendition (its height, e.g. 720p) index.m3u8, init.mp4 and seg_NNNNN.m4s. The same access as the stream: a Bearer token, or a playback token (?token=) from GET /v1/videos/{id}/playback. Playlists answered to a playback-token caller carry a token of their own in every child URI, bound to the same user and video and valid for the video's duration plus 15 minutes, so a viewing outlives the 10-minute playback window; like every token they stop working at once when the user is deleted or changes password. Child URIs also carry v, the version of the rendition set, so segments can be cached for good. The first media segment a user fetches records the first view and credits points, once; playlists and init sections record nothing. 404 until the renditions exist (media.hls_url is set then), and for any other path. Origins in CORS_ORIGINS may fetch these files from the browser.
//	@Tags			videos
//	@Produce		application/vnd.apple.mpegurl,video/mp4,video/iso.segment,application/problem+json
//	@Param			id		path		int		true	"video id"	minimum(1)
//	@Param			token	query		string	false	"playback token (instead of the Authorization header)"	minLength(1)	extensions(x-example=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...)
//	@Param			v		query		string	false	"version of the rendition set, added by the playlists; ignored"	maxLength(64)	extensions(x-example=3fa1b2c4d5e6)
//	@Param			Range	header		string	false	"byte range per RFC 9110 (segments and init sections)"	minLength(1)	extensions(x-example=bytes=0-1023)
//	@Success		200		{file}		file
//	@Success		206		{file}		file
//	@Success		304
//	@Failure		400	{object}	httpserver.Problem	"id is not a positive integer"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token or playback token"
//	@Failure		403	{object}	httpserver.Problem	"an API key (only users stream and view)"
//	@Failure		404	{object}	httpserver.Problem	"no such live video, no HLS renditions (yet), or no such file"
//	@Failure		412	{object}	httpserver.Problem	"If-Match or If-Unmodified-Since does not hold for the file"
//	@Failure		416	{object}	httpserver.Problem	"the range cannot be satisfied; Content-Range: bytes */size"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Header			200,206	{string}	Cache-Control	"private, no-cache (playlists) or private, max-age=31536000, immutable (init sections and segments)"
//	@Header			200,206	{string}	ETag			"entity tag of the file (init sections and segments)"
//	@Header			206		{string}	Content-Range	"bytes 0-1023/88925"
//	@Security		BearerAuth
//	@Security		PlaybackToken
//	@Router			/v1/videos/{id}/hls/master.m3u8 [get]
func (h *Handler) hlsMaster(c *gin.Context) { h.hls(c) }

// hlsFileHead godoc
//
//	@Summary		Headers of a file of an HLS rendition
//	@ID				hlsFileHead
//	@Description	What GET would answer, without the body and without recording a view.
//	@Tags			videos
//	@Produce		application/vnd.apple.mpegurl,video/mp4,video/iso.segment,application/problem+json
//	@Param			id		path		int		true	"video id"	minimum(1)
//	@Param			rendition	path		string	true	"a rendition: its height and p"	pattern(^[0-9]{3,4}p$)	extensions(x-example=720p)
//	@Param			file	path		string	true	"index.m3u8, init.mp4 or seg_NNNNN.m4s"	pattern(^(index\\.m3u8|init\\.mp4|seg_[0-9]{5}\\.m4s)$)	extensions(x-example=seg_00001.m4s)
//	@Param			token	query		string	false	"playback token (instead of the Authorization header)"	minLength(1)	extensions(x-example=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...)
//	@Param			v		query		string	false	"version of the rendition set, added by the playlists; ignored"	maxLength(64)	extensions(x-example=3fa1b2c4d5e6)
//	@Param			Range	header		string	false	"byte range per RFC 9110 (segments and init sections)"	minLength(1)	extensions(x-example=bytes=0-1023)
//	@Success		200		{file}		file
//	@Success		206		{file}		file
//	@Success		304
//	@Failure		400	{object}	httpserver.Problem	"id is not a positive integer"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token or playback token"
//	@Failure		403	{object}	httpserver.Problem	"an API key (only users stream and view)"
//	@Failure		404	{object}	httpserver.Problem	"no such live video, no HLS renditions (yet), or no such file"
//	@Failure		412	{object}	httpserver.Problem	"If-Match or If-Unmodified-Since does not hold for the file"
//	@Failure		416	{object}	httpserver.Problem	"the range cannot be satisfied; Content-Range: bytes */size"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Header			200,206	{string}	Cache-Control	"private, no-cache (playlists) or private, max-age=31536000, immutable (init sections and segments)"
//	@Header			206		{string}	Content-Range	"bytes 0-1023/88925"
//	@Security		BearerAuth
//	@Security		PlaybackToken
//	@Router			/v1/videos/{id}/hls/{rendition}/{file} [head]
func (h *Handler) hlsFileHead(c *gin.Context) { h.hls(c) }

// hlsFile godoc
//
//	@Summary		A file of an HLS rendition
//	@ID				hlsFile
//	@Description	The adaptive (HLS, fMP4) renditions media processing made of an upload: the master playlist master.m3u8, then per rendition (its height, e.g. 720p) index.m3u8, init.mp4 and seg_NNNNN.m4s. The same access as the stream: a Bearer token, or a playback token (?token=) from GET /v1/videos/{id}/playback. Playlists answered to a playback-token caller carry a token of their own in every child URI, bound to the same user and video and valid for the video's duration plus 15 minutes, so a viewing outlives the 10-minute playback window; like every token they stop working at once when the user is deleted or changes password. Child URIs also carry v, the version of the rendition set, so segments can be cached for good. The first media segment a user fetches records the first view and credits points, once; playlists and init sections record nothing. 404 until the renditions exist (media.hls_url is set then), and for any other path. Origins in CORS_ORIGINS may fetch these files from the browser.
//	@Tags			videos
//	@Produce		application/vnd.apple.mpegurl,video/mp4,video/iso.segment,application/problem+json
//	@Param			id		path		int		true	"video id"	minimum(1)
//	@Param			rendition	path		string	true	"a rendition: its height and p"	pattern(^[0-9]{3,4}p$)	extensions(x-example=720p)
//	@Param			file	path		string	true	"index.m3u8, init.mp4 or seg_NNNNN.m4s"	pattern(^(index\\.m3u8|init\\.mp4|seg_[0-9]{5}\\.m4s)$)	extensions(x-example=seg_00001.m4s)
//	@Param			token	query		string	false	"playback token (instead of the Authorization header)"	minLength(1)	extensions(x-example=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...)
//	@Param			v		query		string	false	"version of the rendition set, added by the playlists; ignored"	maxLength(64)	extensions(x-example=3fa1b2c4d5e6)
//	@Param			Range	header		string	false	"byte range per RFC 9110 (segments and init sections)"	minLength(1)	extensions(x-example=bytes=0-1023)
//	@Success		200		{file}		file
//	@Success		206		{file}		file
//	@Success		304
//	@Failure		400	{object}	httpserver.Problem	"id is not a positive integer"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token or playback token"
//	@Failure		403	{object}	httpserver.Problem	"an API key (only users stream and view)"
//	@Failure		404	{object}	httpserver.Problem	"no such live video, no HLS renditions (yet), or no such file"
//	@Failure		412	{object}	httpserver.Problem	"If-Match or If-Unmodified-Since does not hold for the file"
//	@Failure		416	{object}	httpserver.Problem	"the range cannot be satisfied; Content-Range: bytes */size"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Header			200,206	{string}	Cache-Control	"private, no-cache (playlists) or private, max-age=31536000, immutable (init sections and segments)"
//	@Header			200,206	{string}	ETag			"entity tag of the file (init sections and segments)"
//	@Header			206		{string}	Content-Range	"bytes 0-1023/88925"
//	@Security		BearerAuth
//	@Security		PlaybackToken
//	@Router			/v1/videos/{id}/hls/{rendition}/{file} [get]
func (h *Handler) hlsFile(c *gin.Context) { h.hls(c) }

// hlsMasterPreflight godoc
//
//	@Summary		CORS preflight of HLS files
//	@ID				hlsMasterPreflight
//	@Description	204. For an Origin listed in CORS_ORIGINS the answer allows GET and HEAD with the Authorization, Range and validator headers; for any other origin it allows nothing.
//	@Tags			videos
//	@Param			id		path	int		true	"video id"	minimum(1)
//	@Param			Origin	header	string	false	"the page's origin"	minLength(1)	extensions(x-example=https://app.example.com)
//	@Success		204
//	@Header			204	{string}	Access-Control-Allow-Origin	"the Origin, when allowed"
//	@Router			/v1/videos/{id}/hls/master.m3u8 [options]
func (h *Handler) hlsMasterPreflight(c *gin.Context) { h.cors.Preflight()(c) }

// hlsFilePreflight godoc
//
//	@Summary		CORS preflight of HLS files
//	@ID				hlsFilePreflight
//	@Description	204. For an Origin listed in CORS_ORIGINS the answer allows GET and HEAD with the Authorization, Range and validator headers; for any other origin it allows nothing.
//	@Tags			videos
//	@Param			id		path	int		true	"video id"	minimum(1)
//	@Param			rendition	path	string	true	"a rendition"	pattern(^[0-9]{3,4}p$)	extensions(x-example=720p)
//	@Param			file	path	string	true	"a file of the rendition"	pattern(^(index\\.m3u8|init\\.mp4|seg_[0-9]{5}\\.m4s)$)	extensions(x-example=index.m3u8)
//	@Param			Origin	header	string	false	"the page's origin"	minLength(1)	extensions(x-example=https://app.example.com)
//	@Success		204
//	@Header			204	{string}	Access-Control-Allow-Origin	"the Origin, when allowed"
//	@Router			/v1/videos/{id}/hls/{rendition}/{file} [options]
func (h *Handler) hlsFilePreflight(c *gin.Context) { h.cors.Preflight()(c) }

// hls answers the HLS routes (documented per path above).
func (h *Handler) hls(c *gin.Context) {
	id, err := httpserver.PathID(c, "id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	// The path is matched as sent: an encoded slash is not a folder.
	path := strings.TrimPrefix(c.Param("path"), "/")
	if strings.Contains(strings.ToLower(c.Request.URL.EscapedPath()), "%2f") {
		httpserver.Fail(c, domain.ErrNotFound)
		return
	}
	ctx := c.Request.Context()
	s, err := h.svc.OpenHLS(ctx, caller(c), id, path, streamRequest(c.Request))
	if err != nil {
		failStream(c, err)
		return
	}
	defer s.Close()
	if s.Status == http.StatusPreconditionFailed {
		failPrecondition(c, "the file does not match If-Match or If-Unmodified-Since")
		return
	}
	c.Header("Cache-Control", s.CacheControl)
	written, err := stream.WriteContent(c.Writer, s)
	h.svc.Delivered(ctx, s.Delivery, written)
	if err != nil {
		if failUnwritten(c, err) {
			return
		}
		slog.DebugContext(ctx, "HLS file ended early", "video_id", id, "err", err)
	}
}

// streamPreflight godoc
//
//	@Summary		CORS preflight of a video stream
//	@ID				streamVideoPreflight
//	@Description	204. For an Origin listed in CORS_ORIGINS the answer allows GET and HEAD with the Authorization, Range and validator headers; for any other origin it allows nothing.
//	@Tags			videos
//	@Param			id		path	int		true	"video id"	minimum(1)
//	@Param			Origin	header	string	false	"the page's origin"	minLength(1)	extensions(x-example=https://app.example.com)
//	@Success		204
//	@Header			204	{string}	Access-Control-Allow-Origin	"the Origin, when allowed"
//	@Router			/v1/videos/stream/{id} [options]
func (h *Handler) streamPreflight(c *gin.Context) { h.cors.Preflight()(c) }
