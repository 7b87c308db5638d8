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

	"vms/modules/video/domain"
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

func TestWriteContentFileThroughGin(t *testing.T) {
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
		serveContent(c.Writer, c.Request, "video/mp4", time.Time{}, `"tag"`, f, testSize)
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
		serveContent(c.Writer, c.Request, "video/mp4", time.Time{}, `"tag"`, f, int64(len(data)))
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

// readFromRecorder records what reaches its ReadFrom, as a connection that uses sendfile
// would see it.
type readFromRecorder struct {
	*httptest.ResponseRecorder
	srcs []io.Reader
}

func (r *readFromRecorder) ReadFrom(src io.Reader) (int64, error) {
	r.srcs = append(r.srcs, src)
	return io.Copy(writerOnly{r.ResponseRecorder}, src)
}

// TestFileReachesReadFrom proves a local file, whole or one range of it, reaches the
// connection's ReadFrom (sendfile) through a wrapping writer such as gin's, while a small
// range is written with the headers instead.
func TestFileReachesReadFrom(t *testing.T) {
	data := make([]byte, 3*smallBody)
	path := filepath.Join(t.TempDir(), "video.bin")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		status   int
		ranges   []domain.ByteRange
		sendfile bool
	}{
		{"whole", 200, nil, true},
		{"large range", 206, []domain.ByteRange{{First: 10, Last: 2*smallBody + 9}}, true},
		{"small range", 206, []domain.ByteRange{{First: 10, Last: 109}}, false},
		{"range of the buffered limit", 206, []domain.ByteRange{{First: 10, Last: smallBody + 9}}, false},
		{"range one byte over the buffered limit", 206, []domain.ByteRange{{First: 10, Last: smallBody + 10}}, true},
	} {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		rec := &readFromRecorder{ResponseRecorder: httptest.NewRecorder()}
		_, err = WriteContent(plainWrapper{rec}, domain.Stream{Kind: domain.StreamContent, Status: tc.status, Ranges: tc.ranges, Size: int64(len(data)), ContentType: "video/mp4", Content: f})
		f.Close()
		if err != nil || rec.Code != tc.status {
			t.Fatalf("%s: status %d, %v", tc.name, rec.Code, err)
		}
		if !tc.sendfile {
			if len(rec.srcs) != 0 {
				t.Errorf("%s: small body went through ReadFrom", tc.name)
			}
			continue
		}
		if len(rec.srcs) != 1 {
			t.Fatalf("%s: ReadFrom called %d times", tc.name, len(rec.srcs))
		}
		lr, ok := rec.srcs[0].(*io.LimitedReader)
		if !ok {
			t.Fatalf("%s: ReadFrom got %T, want *io.LimitedReader", tc.name, rec.srcs[0])
		}
		if _, ok := lr.R.(*os.File); !ok {
			t.Errorf("%s: ReadFrom got a limit over %T, want *os.File", tc.name, lr.R)
		}
	}
}
