package stream

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"

	"vms/platform/httpserver"
)

// ErrUpstreamStatus reports an upstream answer that cannot be passed on (a redirect, a
// client error other than 416, a server error); Proxy has answered 502 for it.
var ErrUpstreamStatus = errors.New("upstream answered an unusable status")

// passedHeaders are the upstream response headers a proxied stream keeps as they are
// (Content-Type is filtered by mediaType). Content-Encoding is kept because the body is
// copied as it came; dropping it would corrupt the payload.
var passedHeaders = []string{"Content-Length", "Content-Range", "Accept-Ranges", "ETag", "Last-Modified", "Content-Encoding"}

// copyBufferSize is the chunk the body is copied in.
const copyBufferSize = 32 << 10

var bufferPool = sync.Pool{New: func() any { b := make([]byte, copyBufferSize); return &b }}

// Proxy copies upstream to w and closes upstream's body. Statuses 200, 206, 304 and 416
// are passed on with the headers listed above and a Content-Type that cannot run in a
// browser (see mediaType); any other status gets a 502 problem response. The copy stops
// as soon as the client goes away (r's context ends or a write fails), closing the
// upstream body so the source connection is released. A HEAD request or a 304 gets no
// body.
//
// Proxy always leaves a complete answer on w: the error it returns (ErrUpstreamStatus,
// or a copy failure after the headers went out) is for logging, not for answering.
func Proxy(w http.ResponseWriter, r *http.Request, upstream *http.Response) error {
	body := upstream.Body
	defer body.Close()
	stop := context.AfterFunc(r.Context(), func() { _ = body.Close() })
	defer stop()

	switch upstream.StatusCode {
	case http.StatusOK, http.StatusPartialContent, http.StatusNotModified, http.StatusRequestedRangeNotSatisfiable:
	default:
		writeBadGateway(w, r, fmt.Sprintf("the video source answered %d", upstream.StatusCode))
		return fmt.Errorf("%w: %d", ErrUpstreamStatus, upstream.StatusCode)
	}

	h := w.Header()
	for _, name := range passedHeaders {
		if v := upstream.Header.Get(name); v != "" {
			h.Set(name, v)
		}
	}
	if upstream.ContentLength >= 0 && upstream.StatusCode != http.StatusNotModified {
		h.Set("Content-Length", fmt.Sprint(upstream.ContentLength))
	}
	if upstream.StatusCode != http.StatusNotModified {
		h.Set("Content-Type", mediaType(upstream.Header.Get("Content-Type")))
	}
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(upstream.StatusCode)
	if r.Method == http.MethodHead || upstream.StatusCode == http.StatusNotModified {
		return nil
	}
	return copyBody(r.Context(), w, body)
}

// copyBody copies src to w in fixed chunks until src ends, ctx ends or a write fails.
func copyBody(ctx context.Context, w http.ResponseWriter, src io.Reader) error {
	bp := bufferPool.Get().(*[]byte)
	defer bufferPool.Put(bp)
	buf := *bp
	rc := http.NewResponseController(w)
	for {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("proxy stream: client gone: %w", err)
		}
		n, rerr := src.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return fmt.Errorf("proxy stream: write to client: %w", werr)
			}
			// Pass each chunk on at once: a slow source must not leave bytes waiting in
			// the server's buffer while the player stalls.
			if ferr := rc.Flush(); ferr != nil && !errors.Is(ferr, http.ErrNotSupported) {
				return fmt.Errorf("proxy stream: flush to client: %w", ferr)
			}
		}
		if rerr != nil {
			if errors.Is(rerr, io.EOF) {
				return nil
			}
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("proxy stream: client gone: %w", err)
			}
			return fmt.Errorf("proxy stream: read from source: %w", rerr)
		}
	}
}

// writeBadGateway answers 502 with a problem body shaped like the API's other errors.
func writeBadGateway(w http.ResponseWriter, r *http.Request, detail string) {
	p := httpserver.Problem{
		Type:     "about:blank",
		Title:    http.StatusText(http.StatusBadGateway),
		Status:   http.StatusBadGateway,
		Detail:   detail,
		Instance: r.URL.Path,
	}
	h := w.Header()
	h.Set("Content-Type", httpserver.ProblemContentType)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(http.StatusBadGateway)
	_ = json.NewEncoder(w).Encode(p)
}

// mediaType returns the upstream's Content-Type when it is a media type a browser only
// plays or downloads, and application/octet-stream otherwise: a source must not be able
// to serve HTML or script from this server's origin.
func mediaType(ct string) string {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return "application/octet-stream"
	}
	switch {
	case strings.HasPrefix(mt, "video/"), strings.HasPrefix(mt, "audio/"):
		return ct
	case mt == "application/mp4", mt == "application/ogg", mt == "multipart/byteranges",
		mt == "application/vnd.apple.mpegurl", mt == "application/x-mpegurl":
		return ct
	}
	return "application/octet-stream"
}
