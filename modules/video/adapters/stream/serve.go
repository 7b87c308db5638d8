// Package stream answers video byte requests: local or stored objects through
// net/http's ServeContent with RFC 9110 range semantics, and proxied upstream responses.
package stream

import (
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

// ServeContent answers r with content, a seekable representation of size bytes, the way
// http.ServeContent does, with these differences that follow RFC 9110 more closely:
//
//   - the range unit is compared case-insensitively ("Bytes=0-1" is a range request);
//   - a Range with an unknown unit ("items=0-1") or without a unit is ignored (200);
//   - a range set none of whose ranges overlap the representation, including the
//     suffix "bytes=-0", is answered 416 with "Content-Range: bytes */size";
//   - Range is honoured for GET only, so a HEAD with Range gets the 200 headers;
//   - a set of several satisfiable ranges is answered 206 multipart/byteranges (as
//     net/http does), and a set of more than 16 ranges is ignored (200).
//
// It always sets Accept-Ranges, X-Content-Type-Options: nosniff, a strong ETag built
// from etag (when not empty) and Last-Modified from modtime (when not zero), so If-Range,
// If-None-Match and If-Modified-Since are evaluated against them. A Content-Type already
// set on w is kept; otherwise it comes from name's extension, falling back to
// application/octet-stream (content is never read to sniff a type). Content-Encoding is
// removed: media is never compressed on the fly. No write deadline is set here, so a
// long stream runs as long as the client keeps reading. When content is an *os.File and
// the server connection supports it, the body goes out through sendfile.
func ServeContent(w http.ResponseWriter, r *http.Request, name string, modtime time.Time, etag string, content io.ReadSeeker, size int64) {
	h := w.Header()
	h.Set("Accept-Ranges", "bytes")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Del("Content-Encoding")
	if tag := strongETag(etag); tag != "" {
		h.Set("ETag", tag)
	}
	if h.Get("Content-Type") == "" {
		h.Set("Content-Type", typeByName(name))
	}
	if size < 0 {
		n, err := content.Seek(0, io.SeekEnd)
		if err != nil {
			http.Error(w, "content cannot seek", http.StatusInternalServerError)
			return
		}
		size = n
	}
	http.ServeContent(sendfileWriter(w), withRange(r, size), name, modtime, content)
}

// withRange returns r with its Range header rewritten into one net/http handles as
// ServeContent documents, or r itself when nothing needs to change.
func withRange(r *http.Request, size int64) *http.Request {
	raw := r.Header.Get("Range")
	if raw == "" && len(r.Header.Values("Range")) == 0 {
		return r
	}
	next := ""
	if r.Method == http.MethodGet && len(r.Header.Values("Range")) == 1 {
		switch action, ranges := planRange(raw, size); action {
		case rangeServe:
			next = canonical(ranges)
		case rangeUnsatisfiable:
			// net/http answers a range starting at the end with 416 bytes */size.
			next = "bytes=" + strconv.FormatInt(size, 10) + "-"
		}
	}
	if next == raw {
		return r
	}
	r2 := r.Clone(r.Context())
	if next == "" {
		r2.Header.Del("Range")
	} else {
		r2.Header.Set("Range", next)
	}
	return r2
}

// strongETag quotes tag as a strong entity tag, dropping characters an entity tag cannot
// hold. An already quoted tag is kept; a weak one is made strong, because the caller
// vouches that its bytes are fixed.
func strongETag(tag string) string {
	tag = strings.TrimPrefix(tag, "W/")
	tag = strings.Trim(tag, `"`)
	var b strings.Builder
	for i := 0; i < len(tag); i++ {
		if c := tag[i]; c == 0x21 || (c >= 0x23 && c <= 0x7e) {
			b.WriteByte(c)
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return `"` + b.String() + `"`
}

// typeByName returns the media type for name's extension, or application/octet-stream.
func typeByName(name string) string {
	if ext := path.Ext(name); ext != "" {
		switch strings.ToLower(ext) {
		case ".mp4", ".m4v":
			return "video/mp4"
		case ".webm":
			return "video/webm"
		case ".mov":
			return "video/quicktime"
		case ".mkv":
			return "video/x-matroska"
		case ".ts":
			return "video/mp2t"
		}
		if t := mime.TypeByExtension(ext); t != "" {
			return t
		}
	}
	return "application/octet-stream"
}
