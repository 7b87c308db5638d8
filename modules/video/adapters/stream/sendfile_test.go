package stream

import (
	"bytes"
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

// plainWrapper hides the ReadFrom of the writer it wraps, as middleware writers do.
type plainWrapper struct{ http.ResponseWriter }

func (w plainWrapper) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func TestSendfileWriterUnwraps(t *testing.T) {
	rec := httptest.NewRecorder()
	if got := sendfileWriter(rec); got != http.ResponseWriter(rec) {
		t.Errorf("a writer without ReadFrom or Unwrap must be used as is, got %T", got)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := sendfileWriter(plainWrapper{w}).(*readFromWriter); !ok {
			t.Errorf("a wrapper around a ReadFrom writer must be unwrapped")
		}
	}))
	defer srv.Close()
	res, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
}

func TestServeContentFileThroughGin(t *testing.T) {
	gin.SetMode(gin.TestMode)
	path := filepath.Join(t.TempDir(), "video.bin")
	if err := os.WriteFile(path, testData, 0o600); err != nil {
		t.Fatal(err)
	}
	engine := gin.New()
	engine.GET("/v", func(c *gin.Context) {
		f, err := os.Open(path)
		if err != nil {
			t.Error(err)
			return
		}
		defer f.Close()
		ServeContent(c.Writer, c.Request, "video.mp4", time.Time{}, "tag", f, testSize)
	})
	srv := httptest.NewServer(engine)
	defer srv.Close()
	for _, tc := range []struct {
		rng    string
		status int
		body   []byte
	}{{"", 200, testData}, {"bytes=10-19", 206, testData[10:20]}, {"bytes=-0", 416, nil}} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v", nil)
		if tc.rng != "" {
			req.Header.Set("Range", tc.rng)
		}
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != tc.status {
			t.Errorf("%q: status %d, want %d", tc.rng, res.StatusCode, tc.status)
		}
		if tc.body != nil && !bytes.Equal(got, tc.body) {
			t.Errorf("%q: body of %d bytes does not match", tc.rng, len(got))
		}
		if res.Header.Get("ETag") != `"tag"` && tc.status != 416 {
			t.Errorf("%q: ETag = %q", tc.rng, res.Header.Get("ETag"))
		}
	}
}

func TestSmallAndLargeBodiesThroughGin(t *testing.T) {
	gin.SetMode(gin.TestMode)
	data := make([]byte, 3*smallBody)
	for i := range data {
		data[i] = byte(i * 7)
	}
	path := filepath.Join(t.TempDir(), "video.bin")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	engine := gin.New()
	engine.GET("/v", func(c *gin.Context) {
		f, err := os.Open(path)
		if err != nil {
			t.Error(err)
			return
		}
		defer f.Close()
		ServeContent(c.Writer, c.Request, "video.mp4", time.Time{}, "tag", f, int64(len(data)))
	})
	srv := httptest.NewServer(engine)
	defer srv.Close()
	for _, tc := range []struct {
		rng        string
		from, upto int
	}{
		{"bytes=0-99", 0, 100}, // buffered with the headers
		{fmt.Sprintf("bytes=5-%d", smallBody+4), 5, smallBody + 5}, // exactly the buffered limit
		{fmt.Sprintf("bytes=5-%d", smallBody+5), 5, smallBody + 6}, // one byte over: sendfile
		{"", 0, len(data)},
	} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/v", nil)
		if tc.rng != "" {
			req.Header.Set("Range", tc.rng)
		}
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !bytes.Equal(got, data[tc.from:tc.upto]) {
			t.Errorf("%q: status %d, %d bytes, want bytes %d-%d", tc.rng, res.StatusCode, len(got), tc.from, tc.upto-1)
		}
	}
}
