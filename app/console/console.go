// Package console serves the web console: the files Vite built into dist (committed, and
// embedded here), at / and /assets/, and its index page for every other path a browser
// may open inside the console (client-side routes such as /videos/7). API, docs, metrics
// and health paths never reach it.
package console

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"vms/platform/httpserver"
)

//go:embed dist
var dist embed.FS

// CSP is the Content-Security-Policy of every console answer: scripts, styles and fonts
// from this origin only (no inline script or style, no eval), API calls to this origin,
// media from this origin or the blob: URLs hls.js makes (Media Source Extensions), images
// from this origin, data: URLs and the blob: URLs posters are shown from (they are
// fetched with the access token), no plugins, no framing, no <base> and forms that post
// only here.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"media-src 'self' blob:; connect-src 'self'; font-src 'self'; worker-src 'self'; object-src 'none'; " +
	"base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// Cache-Control of the files: Vite names the files under assets/ after a hash of their
// content, so they never change; the index page names the current ones, so a browser must
// ask again (an ETag makes that cheap).
const (
	cacheImmutable  = "public, max-age=31536000, immutable"
	cacheRevalidate = "no-cache"
)

// reserved are the paths of the server itself: the console never answers them, so a
// missing API route stays a 404 problem.
var reserved = []string{"/v1", "/docs", "/metrics", "/healthz", "/readyz"}

type file struct {
	body  []byte
	gz    []byte // the gzip form, when the type compresses well
	ctype string
	etag  string
	cache string
}

// Handler serves the console.
type Handler struct {
	files map[string]*file // by URL path
	index *file
}

var (
	_ httpserver.Registrar = (*Handler)(nil)
	_ httpserver.Fallback  = (*Handler)(nil)
)

// New serves the embedded build.
func New() (*Handler, error) {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		return nil, err
	}
	return NewFromFS(sub)
}

// NewFromFS serves the build in fsys (its root holds index.html and assets/). Every file
// is read, hashed and compressed once, here.
func NewFromFS(fsys fs.FS) (*Handler, error) {
	h := &Handler{files: map[string]*file{}}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		f := &file{body: body, ctype: contentType(p), cache: cacheRevalidate}
		if strings.HasPrefix(p, "assets/") {
			f.cache = cacheImmutable
		}
		sum := sha256.Sum256(body)
		f.etag = `"` + hex.EncodeToString(sum[:12]) + `"`
		if compressible(f.ctype) && len(body) > 1024 {
			f.gz, err = gzipped(body)
			if err != nil {
				return err
			}
		}
		h.files["/"+p] = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("console: %w", err)
	}
	h.index = h.files["/index.html"]
	if h.index == nil {
		return nil, errors.New("console: index.html is missing from the build; run make console")
	}
	return h, nil
}

// Register adds / and the hashed assets.
func (h *Handler) Register(r gin.IRouter) {
	index := func(c *gin.Context) { h.serve(c, h.index) }
	r.GET("/", index)
	r.HEAD("/", index)
	asset := func(c *gin.Context) {
		f, ok := h.files["/assets"+c.Param("path")]
		if !ok {
			httpserver.WriteProblem(c, httpserver.Problem{Status: http.StatusNotFound, Detail: "no such file", Instance: c.Request.URL.Path, RequestID: httpserver.RequestID(c)})
			return
		}
		h.serve(c, f)
	}
	r.GET("/assets/*path", asset)
	r.HEAD("/assets/*path", asset)
}

// Fallback answers GET and HEAD of paths no route matched: a file at the top of the
// build (the favicon, say), or the index page for a client-side route. A path whose last
// segment looks like a file name is not a route: without such a file it stays a 404.
func (h *Handler) Fallback(c *gin.Context) bool {
	p := c.Request.URL.Path
	if !strings.HasPrefix(p, "/") || isReserved(p) {
		return false
	}
	if f, ok := h.files[p]; ok {
		h.serve(c, f)
		return true
	}
	if strings.Contains(path.Base(p), ".") {
		return false
	}
	h.serve(c, h.index)
	return true
}

func isReserved(p string) bool {
	for _, r := range reserved {
		if p == r || strings.HasPrefix(p, r+"/") {
			return true
		}
	}
	return false
}

func (h *Handler) serve(c *gin.Context, f *file) {
	w := c.Writer.Header()
	w.Set("Content-Security-Policy", CSP)
	w.Set("X-Frame-Options", "DENY")
	w.Set("Referrer-Policy", "no-referrer")
	w.Set("Cross-Origin-Opener-Policy", "same-origin")
	w.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
	w.Set("Content-Type", f.ctype)
	w.Set("Cache-Control", f.cache)
	body, etag := f.body, f.etag
	if f.gz != nil {
		w.Add("Vary", "Accept-Encoding")
		if acceptsGzip(c.GetHeader("Accept-Encoding")) {
			body, etag = f.gz, strings.TrimSuffix(f.etag, `"`)+`-gzip"`
			w.Set("Content-Encoding", "gzip")
		}
	}
	w.Set("ETag", etag)
	http.ServeContent(c.Writer, c.Request, "", time.Time{}, bytes.NewReader(body))
	c.Abort()
}

func contentType(p string) string {
	switch path.Ext(p) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".json", ".map":
		return "application/json"
	}
	if t := mime.TypeByExtension(path.Ext(p)); t != "" {
		return t
	}
	return "application/octet-stream"
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.HasPrefix(ctype, "image/svg") || strings.HasPrefix(ctype, "application/json")
}

func gzipped(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// acceptsGzip reads Accept-Encoding: gzip listed without q=0.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), "gzip") {
			continue
		}
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}
