package httpapi

import (
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"vms/modules/video/adapters/stream"
	"vms/modules/video/domain"
	"vms/platform/httpserver"
)

// sourceRequestHeaders are the client headers passed to a source URL.
var sourceRequestHeaders = []string{"Range", "If-Range", "If-None-Match", "If-Modified-Since"}

// stream godoc
//
//	@Summary		Stream a video
//	@Description	The video's bytes with HTTP range support (206, 416, If-Range, ETag, Last-Modified). Authenticates with a Bearer token or a playback token (?token=). A GET whose answer is 2xx records the caller's first view of the video and credits points before any byte is sent; HEAD, 304 and 416 answers record nothing. With STREAM_MODE=redirect and S3 storage the answer is a 302 to a presigned URL, after recording the view.
//	@Tags			videos
//	@Produce		octet-stream,application/problem+json
//	@Param			id		path		int		true	"video id"
//	@Param			token	query		string	false	"playback token from GET /v1/videos/{id}/playback (instead of the Authorization header)"
//	@Param			Range	header		string	false	"byte range, e.g. bytes=0-1023"
//	@Success		200		{file}		file
//	@Success		206		{file}		file
//	@Success		302
//	@Success		304
//	@Failure		400	{object}	httpserver.Problem	"id is not a positive integer"
//	@Failure		401	{object}	httpserver.Problem	"no valid access token or playback token"
//	@Failure		404	{object}	httpserver.Problem	"no such live video"
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
//	@Router			/v1/videos/stream/{id} [get]
//	@Router			/v1/videos/stream/{id} [head]
func (h *Handler) stream(c *gin.Context) {
	id, err := httpserver.PathID(c, "id")
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	ctx := c.Request.Context()
	who := caller(c)
	v, err := h.svc.Streamable(ctx, who, id)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	c.Header("Cache-Control", "private, no-cache")
	var w http.ResponseWriter = c.Writer
	var gate *viewGate
	if c.Request.Method == http.MethodGet {
		gate = &viewGate{ResponseWriter: c.Writer, record: func() error {
			return h.svc.RecordStreamView(ctx, who, v)
		}}
		w = gate
	}

	if v.SourceKind == domain.SourceUpload {
		h.streamUpload(c, w, gate, v)
	} else {
		h.streamSource(c, w, v)
	}
	if gate != nil && gate.err != nil {
		for _, name := range []string{"Content-Length", "Content-Range", "Content-Type", "ETag", "Last-Modified", "Accept-Ranges"} {
			c.Writer.Header().Del(name)
		}
		httpserver.Fail(c, gate.err)
	}
}

func (h *Handler) streamUpload(c *gin.Context, w http.ResponseWriter, gate *viewGate, v domain.Video) {
	ctx := c.Request.Context()
	if gate != nil {
		url, ok, err := h.svc.RedirectURL(ctx, v)
		if err != nil {
			httpserver.Fail(c, err)
			return
		}
		if ok {
			if err := gate.record(); err != nil {
				httpserver.Fail(c, err)
				return
			}
			c.Header("Cache-Control", "no-store")
			c.Redirect(http.StatusFound, url)
			return
		}
	}
	f, err := h.svc.OpenFile(ctx, v)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", v.ContentType)
	// The bytes behind a storage key never change, so the upload time is their
	// modification time; renaming a video does not invalidate cached ranges.
	stream.ServeContent(w, c.Request, "video", v.CreatedAt, v.SHA256, f, v.SizeBytes)
}

func (h *Handler) streamSource(c *gin.Context, w http.ResponseWriter, v domain.Video) {
	ctx := c.Request.Context()
	header := http.Header{}
	for _, name := range sourceRequestHeaders {
		if val := c.GetHeader(name); val != "" {
			header.Set(name, val)
		}
	}
	res, err := h.svc.FetchSource(ctx, v, c.Request.Method, header)
	if err != nil {
		httpserver.Fail(c, err)
		return
	}
	if err := stream.Proxy(w, c.Request, res); err != nil {
		slog.DebugContext(ctx, "proxied stream ended early", "video_id", v.ID, "err", err)
	}
}

// viewGate records the view just before a 2xx status goes out on a GET, so a view is
// recorded only for an answer that carries the video, and always before its first byte.
// When recording fails nothing is written and err holds the failure.
type viewGate struct {
	http.ResponseWriter
	record  func() error
	decided bool
	err     error
}

// WriteHeader records the view for a 2xx status, then passes the status on.
func (g *viewGate) WriteHeader(code int) {
	if !g.decided {
		g.decided = true
		if code >= 200 && code < 300 {
			if err := g.record(); err != nil {
				g.err = err
				return
			}
		}
	}
	if g.err != nil {
		return
	}
	g.ResponseWriter.WriteHeader(code)
}

// Write sends body bytes unless recording the view failed.
func (g *viewGate) Write(p []byte) (int, error) {
	if !g.decided {
		g.WriteHeader(http.StatusOK)
	}
	if g.err != nil {
		return 0, g.err
	}
	return g.ResponseWriter.Write(p)
}

// Unwrap returns the wrapped writer, for http.ResponseController and sendfile.
func (g *viewGate) Unwrap() http.ResponseWriter { return g.ResponseWriter }
