package stream

import (
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

// BenchmarkServeContent plans and serves 1 MiB ranges of a 64 MiB file over a loopback
// connection, cycling through the file, and reports the throughput: once on a plain
// net/http handler and once behind gin, whose writer is unwrapped for sendfile.
func BenchmarkServeContent(b *testing.B) {
	const fileSize = 64 << 20
	path := filepath.Join(b.TempDir(), "video.bin")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.CopyN(f, rand.Reader, fileSize); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	modTime := time.Now()
	serve := func(w http.ResponseWriter, r *http.Request) {
		f, err := os.Open(path)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer f.Close()
		serveContent(w, r, "video/mp4", modTime, `"bench"`, f, fileSize)
	}
	b.Run("net-http", func(b *testing.B) {
		benchmarkRanges(b, http.HandlerFunc(serve), fileSize)
	})
	b.Run("gin", func(b *testing.B) {
		gin.SetMode(gin.TestMode)
		engine := gin.New()
		engine.GET("/", func(c *gin.Context) { serve(c.Writer, c.Request) })
		benchmarkRanges(b, engine, fileSize)
	})
}

func benchmarkRanges(b *testing.B, h http.Handler, fileSize int64) {
	const chunk = 1 << 20
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := srv.Client()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/", nil)
	b.SetBytes(chunk)
	b.ReportAllocs()
	for i := int64(0); b.Loop(); i++ {
		start := i % (fileSize / chunk) * chunk
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", start, start+chunk-1))
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if err != nil || n != chunk || res.StatusCode != http.StatusPartialContent {
			b.Fatalf("status %d, %d bytes, %v", res.StatusCode, n, err)
		}
	}
}
