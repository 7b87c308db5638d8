package console

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gin-gonic/gin"

	"vms/platform/config"
	"vms/platform/httpserver/httptestkit"
)

// sourcesHash is scripts/stamp.mjs's hash of the console's sources: SHA-256 over lines
// "<sha256 of the file>  <path>\n", sorted by path, of every file under app/console except
// dist/, node_modules/, tests/, test-output/ and names starting with a dot. Go files are
// not sources of the build either.
func sourcesHash(t *testing.T) string {
	t.Helper()
	skipTop := map[string]bool{"dist": true, "node_modules": true, "tests": true, "test-output": true}
	var files []string
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == "." {
			return nil
		}
		rel := filepath.ToSlash(p)
		if strings.HasPrefix(d.Name(), ".") || (!strings.Contains(rel, "/") && skipTop[d.Name()]) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && !strings.HasSuffix(rel, ".go") {
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	var listing bytes.Buffer
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		listing.WriteString(hex.EncodeToString(sum[:]) + "  " + f + "\n")
	}
	sum := sha256.Sum256(listing.Bytes())
	return hex.EncodeToString(sum[:])
}

// TestDistIsCurrent fails when the committed build in dist was not made from the
// committed sources: a change to the console must be rebuilt (make console) and its dist
// committed with it. CI also rebuilds and compares the files themselves.
func TestDistIsCurrent(t *testing.T) {
	stamp, err := os.ReadFile(filepath.Join("dist", ".sources.sha256"))
	if err != nil {
		t.Fatalf("dist has no .sources.sha256: run make console and commit app/console/dist (%v)", err)
	}
	if got, want := strings.TrimSpace(string(stamp)), sourcesHash(t); got != want {
		t.Fatalf("app/console/dist is stale: it was built from sources hashed %s, the sources now hash %s; run make console and commit app/console/dist", got, want)
	}
}

// TestIndexLoadsOnlyOwnFiles checks the built page: its scripts and styles are files of
// the build, none inline, nothing from another origin.
func TestIndexLoadsOnlyOwnFiles(t *testing.T) {
	h, err := New()
	if err != nil {
		t.Fatal(err)
	}
	index := string(h.index.body)
	for _, tag := range regexp.MustCompile(`(?s)<script[^>]*>.*?</script>`).FindAllString(index, -1) {
		if !strings.Contains(tag, ` src="`) || !strings.HasSuffix(tag, "></script>") {
			t.Fatalf("index.html has an inline script: %s", tag)
		}
	}
	if strings.Contains(index, "<style") || strings.Contains(index, " style=") {
		t.Fatalf("index.html has inline styles:\n%s", index)
	}
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(index, -1)
	if len(refs) < 2 {
		t.Fatalf("index.html references %d files", len(refs))
	}
	for _, m := range refs {
		ref := m[1]
		if ref == "/docs" {
			continue
		}
		if !strings.HasPrefix(ref, "/assets/") || h.files[ref] == nil {
			t.Errorf("index.html references %q, which is not a file of the build", ref)
		}
	}
	for p, f := range h.files {
		if strings.HasSuffix(p, ".css") && regexp.MustCompile(`url\(\s*['"]?(https?:)?//`).Match(f.body) {
			t.Errorf("%s loads from another origin", p)
		}
	}
}

func engine(t *testing.T, fsys fs.FS) http.Handler {
	t.Helper()
	h, err := NewFromFS(fsys)
	if err != nil {
		t.Fatal(err)
	}
	api := routeFunc(func(r gin.IRouter) {
		r.GET("/v1/things", func(c *gin.Context) { c.JSON(http.StatusOK, []int{}) })
		r.GET("/docs/*any", func(c *gin.Context) { c.String(http.StatusOK, "docs") })
	})
	return httptestkit.EngineWith(t, config.Config{}, api, h)
}

type routeFunc func(r gin.IRouter)

func (f routeFunc) Register(r gin.IRouter) { f(r) }

var build = fstest.MapFS{
	"index.html":             {Data: []byte(`<!doctype html><script type="module" src="/assets/index-abc.js"></script>`)},
	"assets/index-abc.js":    {Data: bytes.Repeat([]byte("console.log('vms');\n"), 200)},
	"assets/index-abc.css":   {Data: []byte("body{margin:0}")},
	"assets/poster-abc.jpeg": {Data: []byte{0xff, 0xd8, 0xff}},
	"favicon.svg":            {Data: []byte("<svg/>")},
}

func get(t *testing.T, h http.Handler, method, path string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for _, hd := range headers {
		k, v, _ := strings.Cut(hd, ":")
		req.Header.Set(k, strings.TrimSpace(v))
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestServesIndexAndClientRoutes(t *testing.T) {
	h := engine(t, build)
	for _, p := range []string{"/", "/videos/7", "/users/3/sessions", "/signin", "/webhooks/1"} {
		r := get(t, h, "GET", p)
		if r.Code != 200 || !strings.HasPrefix(r.Body.String(), "<!doctype html>") {
			t.Fatalf("GET %s: %d %q", p, r.Code, r.Body.String())
		}
		if r.Header().Get("Content-Type") != "text/html; charset=utf-8" || r.Header().Get("Cache-Control") != "no-cache" {
			t.Fatalf("GET %s: headers %v", p, r.Header())
		}
		csp := r.Header().Get("Content-Security-Policy")
		if csp != CSP || !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-") {
			t.Fatalf("GET %s: CSP %q", p, csp)
		}
		if r.Header().Get("X-Frame-Options") != "DENY" || r.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("GET %s: headers %v", p, r.Header())
		}
	}
	if r := get(t, h, "HEAD", "/library"); r.Code != 200 || r.Body.Len() != 0 {
		t.Fatalf("HEAD: %d %q", r.Code, r.Body.String())
	}
}

func TestAssetsAreImmutable(t *testing.T) {
	h := engine(t, build)
	r := get(t, h, "GET", "/assets/index-abc.css")
	if r.Code != 200 || r.Body.String() != "body{margin:0}" || r.Header().Get("Content-Type") != "text/css; charset=utf-8" {
		t.Fatalf("css: %d %v %q", r.Code, r.Header(), r.Body.String())
	}
	if got := r.Header().Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Fatalf("Cache-Control %q", got)
	}
	if r.Header().Get("Content-Security-Policy") == "" {
		t.Fatal("asset without CSP")
	}
	if r := get(t, h, "GET", "/assets/poster-abc.jpeg"); r.Header().Get("Content-Type") != "image/jpeg" {
		t.Fatalf("jpeg type %q", r.Header().Get("Content-Type"))
	}
	// Top-level files are not hashed: revalidated like the index.
	if r := get(t, h, "GET", "/favicon.svg"); r.Code != 200 || r.Header().Get("Cache-Control") != "no-cache" || r.Header().Get("Content-Type") != "image/svg+xml" {
		t.Fatalf("favicon: %d %v", r.Code, r.Header())
	}
}

func TestCompressionAndRevalidation(t *testing.T) {
	h := engine(t, build)
	plain := get(t, h, "GET", "/assets/index-abc.js")
	zipped := get(t, h, "GET", "/assets/index-abc.js", "Accept-Encoding: br, gzip")
	if plain.Header().Get("Content-Encoding") != "" || zipped.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("encodings %q / %q", plain.Header().Get("Content-Encoding"), zipped.Header().Get("Content-Encoding"))
	}
	if !strings.Contains(zipped.Header().Get("Vary"), "Accept-Encoding") || plain.Header().Get("ETag") == zipped.Header().Get("ETag") {
		t.Fatalf("Vary %q, ETags %q %q", zipped.Header().Get("Vary"), plain.Header().Get("ETag"), zipped.Header().Get("ETag"))
	}
	zr, err := gzip.NewReader(zipped.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(zr)
	if !bytes.Equal(body, plain.Body.Bytes()) || zipped.Body.Len() >= plain.Body.Len() {
		t.Fatalf("gzip body differs or is not smaller (%d vs %d)", zipped.Body.Len(), plain.Body.Len())
	}
	if r := get(t, h, "GET", "/assets/index-abc.js", "Accept-Encoding: gzip;q=0"); r.Header().Get("Content-Encoding") != "" {
		t.Fatal("gzip;q=0 got gzip")
	}
	index := get(t, h, "GET", "/")
	if r := get(t, h, "GET", "/videos/3", "If-None-Match: "+index.Header().Get("ETag")); r.Code != http.StatusNotModified {
		t.Fatalf("revalidation: %d", r.Code)
	}
}

func TestServerPathsStayTheServers(t *testing.T) {
	h := engine(t, build)
	if r := get(t, h, "GET", "/v1/things"); r.Code != 200 || r.Body.String() != "[]" {
		t.Fatalf("/v1/things: %d %s", r.Code, r.Body.String())
	}
	if r := get(t, h, "GET", "/docs/index.html"); r.Body.String() != "docs" {
		t.Fatalf("/docs: %s", r.Body.String())
	}
	for _, p := range []string{"/v1/nothing", "/v1", "/docs", "/healthz", "/readyz", "/assets/missing.js", "/robots.txt", "/videos/7/poster.jpg"} {
		r := get(t, h, "GET", p)
		if r.Code != 404 || !strings.HasPrefix(r.Header().Get("Content-Type"), "application/problem+json") || r.Header().Get("Content-Security-Policy") != "" {
			t.Fatalf("GET %s: %d %v %s", p, r.Code, r.Header(), r.Body.String())
		}
	}
	for _, p := range []string{"/metrics", "/metrics/x", "/v1/", "/healthz/"} {
		if !isReserved(p) {
			t.Errorf("%s is not reserved", p)
		}
	}
	for _, p := range []string{"/v1x", "/documents", "/"} {
		if isReserved(p) {
			t.Errorf("%s is reserved", p)
		}
	}
	if r := get(t, h, "POST", "/videos/7"); r.Code != 404 {
		t.Fatalf("POST on a client route: %d", r.Code)
	}
}

func TestNewNeedsAnIndex(t *testing.T) {
	if _, err := NewFromFS(fstest.MapFS{"assets/a.js": {Data: []byte("x")}}); err == nil || !strings.Contains(err.Error(), "make console") {
		t.Fatalf("err %v", err)
	}
}
