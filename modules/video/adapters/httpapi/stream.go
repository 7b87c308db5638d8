package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"vms/modules/video/adapters/stream"
	"vms/modules/video/domain"
	"vms/platform/httpserver"
)

// streamHead godoc
//
//	@Summary		Headers of a video stream
//	@ID				streamVideoHead
//	@Description	What GET would answer, without the body and without recording a view.
//	@Tags			videos
//	@Produce		video/mp4,video/webm,video/*,octet-stream,multipart/byteranges,application/problem+json
//	@Param			id		path		int		true	"video id"	minimum(1)
//	@Param			token	query		string	false	"playback token from GET /v1/videos/{id}/playback (instead of the Authorization header)"	minLength(1)	extensions(x-example=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...)
//	@Param			Range	header		string	false	"byte range(s) per RFC 9110"	minLength(1)	extensions(x-example=bytes=0-1023)
//	@Success		200		{file}		file
//	@Success		206		{file}		file
//	@Success		302
//	@Success		304
//	@Failure		400	{object}	httpserver.Problem	"id is not a positive integer"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token or playback token"
//	@Failure		403	{object}	httpserver.Problem	"an API key (only users stream and view)"
//	@Failure		404	{object}	httpserver.Problem	"no such live video"
//	@Failure		412	{object}	httpserver.Problem	"If-Match or If-Unmodified-Since does not hold for the stored video"
//	@Failure		416	{object}	httpserver.Problem	"the range cannot be satisfied; Content-Range: bytes */size"
//	@Failure		502	{object}	httpserver.Problem	"the source URL or the object storage failed"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Header			200,206	{string}	Accept-Ranges	"bytes"
//	@Header			200,206	{string}	ETag			"entity tag of the stored object"
//	@Header			206		{string}	Content-Range	"bytes 0-1023/88925"
//	@Header			302		{string}	Location		"presigned URL of the object (STREAM_MODE=redirect)"
//	@Header			416		{string}	Content-Range	"bytes */88925"
//	@Security		BearerAuth
//	@Security		PlaybackToken
//	@Router			/v1/videos/stream/{id} [head]
func (h *Handler) streamHead(c *gin.Context) { h.stream(c) }

// stream godoc
//
//	@Summary		Stream a video
//	@ID				streamVideo
//	@Description	The bytes of a public video or one of the caller's corporation (404 for another corporation's private video), with HTTP range support (206, 416, If-Range, ETag, Last-Modified). Authenticates with a Bearer token or a playback token (?token=). A GET whose answer is 2xx records the caller's first view of the video and credits points before any byte is sent; HEAD, 304, 412, 416 and 502 answers record nothing. With STREAM_MODE=redirect and S3 storage the answer is a 302 to a presigned URL, after recording the view.
//	@Tags			videos
//	@Produce		video/mp4,video/webm,video/*,octet-stream,multipart/byteranges,application/problem+json
//	@Param			id		path		int		true	"video id"	minimum(1)
//	@Param			token	query		string	false	"playback token from GET /v1/videos/{id}/playback (instead of the Authorization header)"	minLength(1)	extensions(x-example=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...)
//	@Param			Range	header		string	false	"byte range(s) per RFC 9110"	minLength(1)	extensions(x-example=bytes=0-1023)
//	@Success		200		{file}		file
//	@Success		206		{file}		file
//	@Success		302
//	@Success		304
//	@Failure		400	{object}	httpserver.Problem	"id is not a positive integer"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token or playback token"
//	@Failure		403	{object}	httpserver.Problem	"an API key (only users stream and view)"
//	@Failure		404	{object}	httpserver.Problem	"no such live video, or a private video of another corporation"
//	@Failure		412	{object}	httpserver.Problem	"If-Match or If-Unmodified-Since does not hold for the stored video"
//	@Failure		416	{object}	httpserver.Problem	"the range cannot be satisfied; Content-Range: bytes */size"
//	@Failure		502	{object}	httpserver.Problem	"the source URL or the object storage failed"
//	@Failure		503	{object}	httpserver.Problem	"the database or the storage is unavailable"
//	@Header			200,206	{string}	Accept-Ranges	"bytes"
//	@Header			200,206	{string}	ETag			"entity tag of the stored object"
//	@Header			206		{string}	Content-Range	"bytes 0-1023/88925"
//	@Header			302		{string}	Location		"presigned URL of the object (STREAM_MODE=redirect), valid for the video's duration plus 15 minutes (1 hour while the duration is unknown, at most 12 hours)"
//	@Header			302		{string}	Cache-Control	"private, max-age=900: the redirect may be reused while its URL still outlives a viewing"
//	@Header			416		{string}	Content-Range	"bytes */88925"
//	@Security		BearerAuth
//	@Security		PlaybackToken
//	@Router			/v1/videos/stream/{id} [get]
func (h *Handler) stream(c *gin.Context) {
	id, err := httpserver.PathID(c, "id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	ctx := c.Request.Context()
	s, err := h.svc.OpenStream(ctx, caller(c), id, streamRequest(c.Request))
	if err != nil {
		failStream(c, err)
		return
	}
	defer s.Close()
	switch {
	case s.Kind == domain.StreamRedirect:
		c.Header("Cache-Control", redirectCacheControl(s.RedirectMaxAge))
		c.Redirect(http.StatusFound, s.RedirectURL)
		return
	case s.Kind == domain.StreamContent && s.Status == http.StatusPreconditionFailed:
		c.Header("Accept-Ranges", "bytes")
		failPrecondition(c, "the video does not match If-Match or If-Unmodified-Since")
		return
	}
	c.Header("Cache-Control", "private, no-cache")
	var written domain.Written
	if s.Kind == domain.StreamSource {
		written.Bytes, err = stream.Proxy(ctx, c.Writer, s.Source, c.Request.Method == http.MethodHead)
	} else {
		written, err = stream.WriteContent(c.Writer, s)
	}
	h.svc.Delivered(ctx, s.Delivery, written)
	if failUnwritten(c, err) {
		return
	}
	if err != nil {
		slog.DebugContext(ctx, "stream ended early", "video_id", id, "err", err)
	}
}

// failStream answers a stream decision's error; a range that cannot be satisfied also
// gets the size it missed (Content-Range: bytes */size).
func failStream(c *gin.Context, err error) {
	var rns *domain.RangeNotSatisfiableError
	if errors.As(err, &rns) {
		c.Header("Accept-Ranges", "bytes")
		c.Header("Content-Range", "bytes */"+strconv.FormatInt(rns.Size, 10))
	}
	httpserver.Fail(c, err)
}

// failPrecondition answers 412 with a problem.
func failPrecondition(c *gin.Context, detail string) {
	httpserver.WriteProblem(c, httpserver.Problem{
		Status: http.StatusPreconditionFailed, Detail: detail,
		Instance: c.Request.URL.Path, RequestID: httpserver.RequestID(c),
	})
}

// failUnwritten answers err with a problem, instead of the headers planned for the
// bytes, when nothing went out yet (the content could not seek), and reports whether it
// did.
func failUnwritten(c *gin.Context, err error) bool {
	if err == nil || c.Writer.Written() {
		return false
	}
	for _, name := range []string{"Content-Length", "Content-Range", "Content-Type", "ETag", "Last-Modified", "Accept-Ranges"} {
		c.Writer.Header().Del(name)
	}
	httpserver.Fail(c, err)
	return true
}

// redirectCacheControl lets the client alone reuse a redirect for maxAge, which is short
// enough for the presigned URL to outlive a viewing started from the cached redirect.
func redirectCacheControl(maxAge time.Duration) string {
	if secs := int64(maxAge / time.Second); secs > 0 {
		return "private, max-age=" + strconv.FormatInt(secs, 10)
	}
	return "no-store"
}

// streamRequest reads the method and the range and precondition headers. A request with
// more than one Range header gets no range.
func streamRequest(r *http.Request) domain.StreamRequest {
	h := r.Header
	req := domain.StreamRequest{
		Head:    r.Method == http.MethodHead,
		IfRange: h.Get("If-Range"), IfMatch: h.Get("If-Match"), IfNoneMatch: h.Get("If-None-Match"),
		IfModifiedSince: h.Get("If-Modified-Since"), IfUnmodifiedSince: h.Get("If-Unmodified-Since"),
	}
	if v := h.Values("Range"); len(v) == 1 {
		req.Range = v[0]
	}
	return req
}
