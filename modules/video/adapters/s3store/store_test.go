package s3store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"vms/modules/video/ports"
	"vms/platform/kind"
)

const testBucket = "videos"

// fakeS3 is an in-process S3 server that counts the body bytes it sends for GETs.
type fakeS3 struct {
	backend *s3mem.Backend
	server  *httptest.Server
	sent    atomic.Int64
	gets    atomic.Int64
}

type countingWriter struct {
	http.ResponseWriter
	n *atomic.Int64
}

func (w countingWriter) Write(p []byte) (int, error) {
	n, err := w.ResponseWriter.Write(p)
	w.n.Add(int64(n))
	return n, err
}

func newFake(t *testing.T) *fakeS3 {
	t.Helper()
	f := &fakeS3{backend: s3mem.New()}
	handler := gofakes3.New(f.backend).Server()
	f.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			f.gets.Add(1)
			w = countingWriter{ResponseWriter: w, n: &f.sent}
		}
		handler.ServeHTTP(w, r)
	}))
	t.Cleanup(f.server.Close)
	if err := f.backend.CreateBucket(testBucket); err != nil {
		t.Fatal(err)
	}
	return f
}

// sentAtLeast returns the bytes the fake has sent, waiting up to ten seconds for at least
// want: the counter moves after each Write returns, which can be after the client has the
// bytes.
func (f *fakeS3) sentAtLeast(want int64) int64 {
	deadline := time.Now().Add(10 * time.Second)
	for f.sent.Load() < want && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	return f.sent.Load()
}

func (f *fakeS3) store(t *testing.T, bucket string) *Store {
	t.Helper()
	s, err := New(context.Background(), "s3://KEY:SECRET@"+bucket+"?endpoint="+f.server.URL+"&region=us-east-1&path_style=true")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// objectCount lists the bucket's objects.
func (f *fakeS3) objectCount(t *testing.T) int {
	t.Helper()
	list, err := f.backend.ListBucket(testBucket, &gofakes3.Prefix{}, gofakes3.ListBucketPage{})
	if err != nil {
		t.Fatal(err)
	}
	return len(list.Contents)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(1, uint64(n)))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// trickle hands out its data in small reads, as a network body does.
type trickle struct{ r io.Reader }

func (t trickle) Read(p []byte) (int, error) { return t.r.Read(p[:min(len(p), 4096)]) }

func TestPutOpenRoundTrip(t *testing.T) {
	f := newFake(t)
	s := f.store(t, testBucket)
	ctx := context.Background()
	for _, size := range []int{0, 1000, 9<<20 + 123} { // empty, one part, multipart
		data := randomBytes(size)
		obj, err := s.Put(ctx, trickle{bytes.NewReader(data)}, ports.PutOptions{MaxBytes: 32 << 20})
		if err != nil {
			t.Fatalf("size %d: %v", size, err)
		}
		sum := sha256.Sum256(data)
		if obj.Size != int64(size) || obj.SHA256 != hex.EncodeToString(sum[:]) || !strings.HasSuffix(obj.Key, ".bin") {
			t.Fatalf("size %d: object %+v", size, obj)
		}
		rc, err := s.Open(ctx, obj.Key)
		if err != nil {
			t.Fatal(err)
		}
		if end, _ := rc.Seek(0, io.SeekEnd); end != int64(size) {
			t.Errorf("size %d: Seek(0, End) = %d", size, end)
		}
		_, _ = rc.Seek(0, io.SeekStart)
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("size %d: read back %d bytes (%v)", size, len(got), err)
		}
	}
	if n := f.objectCount(t); n != 3 {
		t.Errorf("objects = %d, want 3", n)
	}
}

func TestPutSizeLimitLeavesNothing(t *testing.T) {
	f := newFake(t)
	s := f.store(t, testBucket)
	for _, tc := range []struct{ size, limit int }{{11, 10}, {10<<20 + 1, 10 << 20}, {20 << 20, 9 << 20}} {
		_, err := s.Put(context.Background(), trickle{bytes.NewReader(randomBytes(tc.size))}, ports.PutOptions{MaxBytes: int64(tc.limit)})
		if !errors.Is(err, ErrTooLarge) || kind.Of(err) != kind.TooLarge {
			t.Errorf("%d bytes over a %d limit: err = %v", tc.size, tc.limit, err)
		}
	}
	if n := f.objectCount(t); n != 0 {
		t.Errorf("objects after refused uploads = %d", n)
	}
	uploads, err := s.client.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: aws.String(testBucket)})
	if err != nil || len(uploads.Uploads) != 0 {
		t.Errorf("multipart uploads left open: %v (%v)", uploads, err)
	}
	if _, err := s.Put(context.Background(), strings.NewReader("0123456789"), ports.PutOptions{MaxBytes: 10}); err != nil {
		t.Errorf("exactly the limit: %v", err)
	}
}

type failingReader struct{ sent bool }

func (r *failingReader) Read(p []byte) (int, error) {
	if !r.sent {
		r.sent = true
		return copy(p, "some bytes"), nil
	}
	return 0, errors.New("connection reset")
}

func TestPutFailureLeavesNothing(t *testing.T) {
	f := newFake(t)
	s := f.store(t, testBucket)
	if _, err := s.Put(context.Background(), &failingReader{}, ports.PutOptions{}); err == nil {
		t.Error("read error was not reported")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Put(ctx, strings.NewReader("data"), ports.PutOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: err = %v", err)
	}
	if n := f.objectCount(t); n != 0 {
		t.Errorf("objects left = %d", n)
	}
}

func TestRangedReadsFetchOnlyWhatIsRead(t *testing.T) {
	f := newFake(t)
	s := f.store(t, testBucket)
	data := randomBytes(16 << 20)
	obj, err := s.Put(context.Background(), bytes.NewReader(data), ports.PutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := s.Open(context.Background(), obj.Key)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	f.sent.Store(0)
	f.gets.Store(0)
	start := int64(5<<20 + 17)
	if _, err := rc.Seek(start, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 1<<20)
	if _, err := io.ReadFull(rc, got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, data[start:start+1<<20]) {
		t.Fatal("ranged read returned the wrong bytes")
	}
	if sent := f.sentAtLeast(1 << 20); sent < 1<<20 || sent > 1<<20+64<<10 {
		t.Errorf("a 1 MiB read fetched %d bytes", sent)
	}
	// Seeking back and reading the tail re-issues a GET from the new offset.
	if _, err := rc.Seek(-100, io.SeekEnd); err != nil {
		t.Fatal(err)
	}
	tail, err := io.ReadAll(rc)
	if err != nil || !bytes.Equal(tail, data[len(data)-100:]) {
		t.Fatalf("tail: %d bytes, %v", len(tail), err)
	}
	if gets := f.gets.Load(); gets != 2 {
		t.Errorf("GET requests = %d, want 2", gets)
	}
	// A sequential read of everything needs few requests thanks to growing windows.
	f.gets.Store(0)
	_, _ = rc.Seek(0, io.SeekStart)
	all, err := io.ReadAll(rc)
	if err != nil || !bytes.Equal(all, data) {
		t.Fatalf("full read: %d bytes, %v", len(all), err)
	}
	if gets := f.gets.Load(); gets > 6 {
		t.Errorf("a 16 MiB sequential read took %d GETs", gets)
	}
}

func TestOpenDeleteAndMissingObjects(t *testing.T) {
	f := newFake(t)
	s := f.store(t, testBucket)
	ctx := context.Background()
	obj, err := s.Put(ctx, strings.NewReader("video"), ports.PutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, obj.Key); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(ctx, obj.Key); err != nil {
		t.Errorf("second delete: %v", err)
	}
	for _, key := range []string{obj.Key, "", "../x", "0123456789abcdef0123456789abcdef.bin/x", "other/0123456789abcdef0123456789abcdef.bin"} {
		if _, err := s.Open(ctx, key); kind.Of(err) != kind.NotFound {
			t.Errorf("Open(%q) = %v, want not_found", key, err)
		}
	}
}

func TestPresignedURLServesPlainGet(t *testing.T) {
	f := newFake(t)
	s := f.store(t, testBucket)
	obj, err := s.Put(context.Background(), strings.NewReader("presigned bytes"), ports.PutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	url, ok, err := s.PresignGet(context.Background(), obj.Key, ports.PresignOptions{TTL: 5 * time.Minute})
	if err != nil || !ok || !strings.Contains(url, "X-Amz-Signature=") || !strings.Contains(url, "X-Amz-Expires=300") {
		t.Fatalf("PresignGet = %q %v %v", url, ok, err)
	}
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || string(body) != "presigned bytes" {
		t.Fatalf("GET presigned URL: %d %q", res.StatusCode, body)
	}
}

func TestReady(t *testing.T) {
	f := newFake(t)
	if err := f.store(t, testBucket).Ready(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := f.store(t, "missing-bucket").Ready(context.Background()); err == nil {
		t.Error("Ready succeeded for a missing bucket")
	}
}

func TestContentTypeIsStoredAndPresigned(t *testing.T) {
	f := newFake(t)
	s := f.store(t, testBucket)
	ctx := context.Background()
	for _, tc := range []struct{ put, want string }{{"video/mp4", "video/mp4"}, {"", "application/octet-stream"}} {
		obj, err := s.Put(ctx, strings.NewReader("bytes"), ports.PutOptions{ContentType: tc.put})
		if err != nil {
			t.Fatal(err)
		}
		head, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(testBucket), Key: aws.String(obj.Key)})
		if err != nil || aws.ToString(head.ContentType) != tc.want {
			t.Errorf("Put with %q: stored Content-Type %q (%v), want %q", tc.put, aws.ToString(head.ContentType), err, tc.want)
		}
	}
	obj, err := s.Put(ctx, strings.NewReader("bytes"), ports.PutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	url, _, err := s.PresignGet(ctx, obj.Key, ports.PresignOptions{TTL: time.Hour, ContentType: "video/webm"})
	if err != nil || !strings.Contains(url, "response-content-type=video%2Fwebm") || !strings.Contains(url, "X-Amz-Expires=3600") {
		t.Fatalf("PresignGet = %q, %v", url, err)
	}
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "video/webm" {
		t.Errorf("GET presigned URL: %d, Content-Type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
}
