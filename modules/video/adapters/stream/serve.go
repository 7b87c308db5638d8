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
func WriteContent(w http.ResponseWriter, s domain.Stream) error {
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
		return nil
	case s.Status == http.StatusPartialContent && len(s.Ranges) == 1:
		r := s.Ranges[0]
		if s.Content != nil {
			if _, err := s.Content.Seek(r.First, io.SeekStart); err != nil {
				return fmt.Errorf("seek to range: %w", err)
			}
		}
		h.Set("Content-Type", ctype)
		h.Set("Content-Range", r.ContentRange(s.Size))
		return send(w, http.StatusPartialContent, s.Content, r.Length())
	case s.Status == http.StatusPartialContent && len(s.Ranges) > 1:
		return writeMultipart(w, s, ctype)
	}
	h.Set("Content-Type", ctype)
	return send(w, http.StatusOK, s.Content, s.Size)
}

// send writes the status with Content-Length n, then n bytes of content (none when
// content is nil).
func send(w http.ResponseWriter, status int, content io.Reader, n int64) error {
	w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
	w.WriteHeader(status)
	if content == nil {
		return nil
	}
	if _, err := io.CopyN(sendfileWriter(w), content, n); err != nil {
		return fmt.Errorf("stream content: %w", err)
	}
	return nil
}

// writeMultipart sends several ranges as one multipart/byteranges body whose length is
// known before the first byte, so the answer keeps its Content-Length.
func writeMultipart(w http.ResponseWriter, s domain.Stream, ctype string) error {
	var counted countingWriter
	sizer := multipart.NewWriter(&counted)
	var n int64
	for _, r := range s.Ranges {
		if _, err := sizer.CreatePart(partHeader(r, ctype, s.Size)); err != nil {
			return err
		}
		n += r.Length()
	}
	if err := sizer.Close(); err != nil {
		return err
	}
	n += int64(counted)
	w.Header().Set("Content-Type", "multipart/byteranges; boundary="+sizer.Boundary())
	w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
	w.WriteHeader(http.StatusPartialContent)
	if s.Content == nil {
		return nil
	}
	mw := multipart.NewWriter(w)
	if err := mw.SetBoundary(sizer.Boundary()); err != nil {
		return err
	}
	for _, r := range s.Ranges {
		part, err := mw.CreatePart(partHeader(r, ctype, s.Size))
		if err != nil {
			return fmt.Errorf("stream ranges: %w", err)
		}
		if _, err := s.Content.Seek(r.First, io.SeekStart); err != nil {
			return fmt.Errorf("stream ranges: seek: %w", err)
		}
		if _, err := io.CopyN(part, s.Content, r.Length()); err != nil {
			return fmt.Errorf("stream ranges: %w", err)
		}
	}
	if err := mw.Close(); err != nil {
		return fmt.Errorf("stream ranges: %w", err)
	}
	return nil
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
