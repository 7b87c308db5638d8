// Package stream writes video answers: stored bytes with the status and ranges a stream
// decision names (through sendfile for local files) and proxied source answers.
package stream

import (
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"time"

	"vms/modules/video/domain"
)

// WriteContent answers with stored bytes as s (a domain.StreamContent decision with
// status 200, 206 or 304) says:
//
//   - 200 sends the whole content, 206 with one range sends it with Content-Range, and
//     206 with several ranges sends a multipart/byteranges body, as net/http does;
//   - 304 sends the validators only;
//   - a nil s.Content (a HEAD) sends the headers without a body.
//
// It always sets Accept-Ranges, X-Content-Type-Options: nosniff, the strong ETag and
// Last-Modified (when known), and removes Content-Encoding: media is never compressed
// on the fly. An empty content type is sent as application/octet-stream. When the
// content is an *os.File and the connection supports it, the body goes out through
// sendfile. The error, if any, is for logging: the status has gone out by then, unless
// seeking the content failed first.
func WriteContent(w http.ResponseWriter, s domain.Stream) (domain.Written, error) {
	h := w.Header()
	h.Set("Accept-Ranges", "bytes")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Del("Content-Encoding")
	if s.ETag != "" {
		h.Set("ETag", s.ETag)
	}
	if !s.LastModified.IsZero() && !s.LastModified.Equal(time.Unix(0, 0)) {
		h.Set("Last-Modified", s.LastModified.UTC().Format(http.TimeFormat))
	}
	ctype := s.ContentType
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	switch {
	case s.Status == http.StatusNotModified:
		h.Del("Content-Type")
		h.Del("Content-Length")
		if s.ETag != "" {
			h.Del("Last-Modified")
		}
		w.WriteHeader(http.StatusNotModified)
		return domain.Written{}, nil
	case s.Status == http.StatusPartialContent && len(s.Ranges) == 1:
		r := s.Ranges[0]
		if s.Content != nil {
			if _, err := s.Content.Seek(r.First, io.SeekStart); err != nil {
				return domain.Written{}, fmt.Errorf("seek to range: %w", err)
			}
		}
		h.Set("Content-Type", ctype)
		h.Set("Content-Range", r.ContentRange(s.Size))
		return send(w, http.StatusPartialContent, s.Content, r.First, r.Length())
	case s.Status == http.StatusPartialContent && len(s.Ranges) > 1:
		return writeMultipart(w, s, ctype)
	}
	h.Set("Content-Type", ctype)
	return send(w, http.StatusOK, s.Content, 0, s.Size)
}

// send writes the status with Content-Length n, then n bytes of content (none when
// content is nil), which start at offset first of the file.
func send(w http.ResponseWriter, status int, content io.Reader, first, n int64) (domain.Written, error) {
	w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
	w.WriteHeader(status)
	var out domain.Written
	if content == nil {
		return out, nil
	}
	copied, err := io.CopyN(sendfileWriter(w), content, n)
	out.Bytes = copied
	out.Add(first, copied)
	if err != nil {
		return out, fmt.Errorf("stream content: %w", err)
	}
	return out, nil
}

// writeMultipart sends several ranges as one multipart/byteranges body whose length is
// known before the first byte, so the answer keeps its Content-Length.
func writeMultipart(w http.ResponseWriter, s domain.Stream, ctype string) (out domain.Written, err error) {
	var counted countingWriter
	sizer := multipart.NewWriter(&counted)
	var n int64
	for _, r := range s.Ranges {
		if _, err := sizer.CreatePart(partHeader(r, ctype, s.Size)); err != nil {
			return domain.Written{}, err
		}
		n += r.Length()
	}
	if err := sizer.Close(); err != nil {
		return domain.Written{}, err
	}
	n += int64(counted)
	w.Header().Set("Content-Type", "multipart/byteranges; boundary="+sizer.Boundary())
	w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
	w.WriteHeader(http.StatusPartialContent)
	if s.Content == nil {
		return out, nil
	}
	body := &countingResponse{ResponseWriter: w}
	defer func() { out.Bytes = body.n }()
	mw := multipart.NewWriter(body)
	if err := mw.SetBoundary(sizer.Boundary()); err != nil {
		return out, err
	}
	for _, r := range s.Ranges {
		part, err := mw.CreatePart(partHeader(r, ctype, s.Size))
		if err != nil {
			return out, fmt.Errorf("stream ranges: %w", err)
		}
		if _, err := s.Content.Seek(r.First, io.SeekStart); err != nil {
			return out, fmt.Errorf("stream ranges: seek: %w", err)
		}
		copied, err := io.CopyN(part, s.Content, r.Length())
		out.Add(r.First, copied)
		if err != nil {
			return out, fmt.Errorf("stream ranges: %w", err)
		}
	}
	if err := mw.Close(); err != nil {
		return out, fmt.Errorf("stream ranges: %w", err)
	}
	return out, nil
}

func partHeader(r domain.ByteRange, ctype string, size int64) textproto.MIMEHeader {
	return textproto.MIMEHeader{"Content-Range": {r.ContentRange(size)}, "Content-Type": {ctype}}
}

// countingWriter counts the bytes written to it.
type countingWriter int64

func (w *countingWriter) Write(p []byte) (int, error) {
	*w += countingWriter(len(p))
	return len(p), nil
}

// countingResponse counts the body bytes written through it.
type countingResponse struct {
	http.ResponseWriter
	n int64
}

func (w *countingResponse) Write(p []byte) (int, error) {
	n, err := w.ResponseWriter.Write(p)
	w.n += int64(n)
	return n, err
}
