package stream

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"vms/modules/video/domain"
)

// copyBufferSize is the chunk the body is copied in.
const copyBufferSize = 32 << 10

var bufferPool = sync.Pool{New: func() any { b := make([]byte, copyBufferSize); return &b }}

// Proxy passes a source's answer (200, 206, 304 or 416, as the service decided) on to w
// and closes its body. It keeps the source's Content-Length, Content-Range,
// Accept-Ranges, ETag, Last-Modified and Content-Encoding (the body is copied as it
// came; dropping the encoding would corrupt it) and a Content-Type that cannot run in a
// browser (see mediaType). The copy stops as soon as the client goes away (ctx ends or
// a write fails), closing the source body so its connection is released. A HEAD (head)
// or a 304 gets no body.
//
// The error Proxy returns (a copy failure after the headers went out) is for logging,
// not for answering.
func Proxy(ctx context.Context, w http.ResponseWriter, upstream domain.SourceResponse, head bool) (int64, error) {
	body := upstream.Body
	if body == nil {
		body = http.NoBody
	}
	defer body.Close()
	stop := context.AfterFunc(ctx, func() { _ = body.Close() })
	defer stop()

	h := w.Header()
	for name, v := range map[string]string{
		"Content-Range": upstream.ContentRange, "Accept-Ranges": upstream.AcceptRanges, "ETag": upstream.ETag,
		"Last-Modified": upstream.LastModified, "Content-Encoding": upstream.ContentEncoding,
	} {
		if v != "" {
			h.Set(name, v)
		}
	}
	notModified := upstream.Status == http.StatusNotModified
	if upstream.ContentLength >= 0 && !notModified {
		h.Set("Content-Length", strconv.FormatInt(upstream.ContentLength, 10))
	}
	if !notModified {
		h.Set("Content-Type", mediaType(upstream.ContentType))
	}
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(upstream.Status)
	if head || notModified {
		return 0, nil
	}
	return copyBody(ctx, w, body)
}

// copyBody copies src to w in fixed chunks until src ends, ctx ends or a write fails.
// copyBody returns how many bytes reached w.
func copyBody(ctx context.Context, w http.ResponseWriter, src io.Reader) (int64, error) {
	bp := bufferPool.Get().(*[]byte)
	defer bufferPool.Put(bp)
	buf := *bp
	rc := http.NewResponseController(w)
	var sent int64
	for {
		if err := ctx.Err(); err != nil {
			return sent, fmt.Errorf("proxy stream: client gone: %w", err)
		}
		n, rerr := src.Read(buf)
		if n > 0 {
			m, werr := w.Write(buf[:n])
			sent += int64(m)
			if werr != nil {
				return sent, fmt.Errorf("proxy stream: write to client: %w", werr)
			}
			// Pass each chunk on at once: a slow source must not leave bytes waiting in
			// the server's buffer while the player stalls.
			if ferr := rc.Flush(); ferr != nil && !errors.Is(ferr, http.ErrNotSupported) {
				return sent, fmt.Errorf("proxy stream: flush to client: %w", ferr)
			}
		}
		if rerr != nil {
			if errors.Is(rerr, io.EOF) {
				return sent, nil
			}
			if err := ctx.Err(); err != nil {
				return sent, fmt.Errorf("proxy stream: client gone: %w", err)
			}
			return sent, fmt.Errorf("proxy stream: read from source: %w", rerr)
		}
	}
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
