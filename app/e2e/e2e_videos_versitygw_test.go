package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"vms/app/apptest"
	"vms/modules/video/domain"
)

// versitygwHowTo tells how to run the tests against a real S3 server.
const versitygwHowTo = "real S3 tests skipped: set VMS_TEST_VERSITYGW=$(bash .ci/gotool versitygw) to run them"

const (
	versitygwKey    = "vmsroot"
	versitygwSecret = "vmsrootsecret"
)

// realS3 is a versitygw server over a temp folder.
type realS3 struct {
	endpoint string
	client   *s3.Client
}

// startVersitygw starts the versitygw binary named by VMS_TEST_VERSITYGW on a free
// loopback port. Without the variable the test is skipped, or fails when CI=true.
func startVersitygw(t *testing.T) *realS3 {
	t.Helper()
	bin := os.Getenv("VMS_TEST_VERSITYGW")
	if bin == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("VMS_TEST_VERSITYGW is not set but CI=true: the real S3 tests must run")
		}
		t.Skip(versitygwHowTo)
	}
	addr := freeLoopbackAddr(t)
	dir := t.TempDir()
	meta, data := filepath.Join(dir, "meta"), filepath.Join(dir, "data")
	for _, d := range []string{meta, data} {
		if err := os.Mkdir(d, 0o750); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(bin, "--port", addr, "posix", "--sidecar", meta, data) //nolint:gosec // G702: the binary is the one the person running the tests named
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+versitygwKey, "ROOT_SECRET_KEY="+versitygwSecret)
	var out syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start versitygw: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
		if t.Failed() && out.String() != "" {
			t.Logf("versitygw output:\n%s", out.String())
		}
	})
	s := &realS3{endpoint: "http://" + addr}
	s.client = s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(s.endpoint),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider(versitygwKey, versitygwSecret, ""),
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		_, err := s.client.ListBuckets(ctx, &s3.ListBucketsInput{})
		cancel()
		if err == nil {
			return s
		}
		select {
		case <-exited:
			t.Fatalf("versitygw exited:\n%s", out.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("versitygw did not answer within 30s: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// bucket creates a bucket and returns the STORAGE_URL of vms over it.
func (s *realS3) bucket(t *testing.T, name string) string {
	t.Helper()
	if _, err := s.client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		t.Fatalf("create bucket %s: %v", name, err)
	}
	return fmt.Sprintf("s3://%s:%s@%s?endpoint=%s&region=us-east-1&path_style=true", versitygwKey, versitygwSecret, name, s.endpoint)
}

func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	return addr
}

// syncBuffer collects a child process's output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// TestVideoRealS3 runs vms against versitygw: uploads are stored with their sniffed
// content type, ranged streams come through vms, and in redirect mode the presigned URL
// lives as domain.PresignTTL says and serves the video's content type.
func TestVideoRealS3(t *testing.T) {
	gw := startVersitygw(t)
	data := videoSample(t)
	const rangeHeader = "Range: bytes=0-1023"
	for _, backend := range []apptest.Backend{apptest.SQLite, apptest.Postgres} {
		t.Run(string(backend), func(t *testing.T) {
			storage := gw.bucket(t, "videos-"+string(backend))
			t.Run("proxy", func(t *testing.T) {
				a := apptest.Start(t, backend, map[string]string{"STORAGE_URL": storage, "STREAM_MODE": "proxy", "MEDIA_PROCESSING": "required"})
				a.Do(http.MethodGet, "/readyz", nil, "").Expect(t, 200)
				acme := newVideoTenant(t, a, "acme", "FREE", nil)
				vid := videoUpload(t, a, acme.adminToken, "Clip", data)
				var key string
				if err := a.DB.Gorm.Raw("SELECT storage_key FROM videos WHERE id = ?", vid).Scan(&key).Error; err != nil || key == "" {
					t.Fatalf("storage key of video %d: %q, %v", vid, key, err)
				}
				head, err := gw.client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("videos-" + string(backend)), Key: aws.String(key)})
				if err != nil {
					t.Fatal(err)
				}
				if ct := aws.ToString(head.ContentType); ct != "video/mp4" || aws.ToInt64(head.ContentLength) != int64(len(data)) {
					t.Fatalf("stored object: Content-Type %q, %d bytes", ct, aws.ToInt64(head.ContentLength))
				}
				res := a.Do(http.MethodGet, fmt.Sprintf("/v1/videos/stream/%d", vid), nil, acme.guestToken, rangeHeader).Expect(t, http.StatusPartialContent)
				if !bytes.Equal(res.Body, data[:1024]) || res.Header.Get("Content-Range") != fmt.Sprintf("bytes 0-1023/%d", len(data)) {
					t.Fatalf("ranged stream: %d bytes, Content-Range %q", len(res.Body), res.Header.Get("Content-Range"))
				}
				// Media processing reads the object through ranged GETs and keeps the
				// poster in the bucket.
				m := awaitMedia(t, a, acme.guestToken, vid)
				if m.Status != "ready" || m.DurationSeconds == nil || *m.Width != 320 || m.PosterURL == nil {
					t.Fatalf("media over S3 = %+v", m)
				}
				poster := a.Do(http.MethodGet, *m.PosterURL, nil, acme.guestToken).Expect(t, 200)
				if len(poster.Body) < 3 || poster.Body[0] != 0xFF || poster.Body[1] != 0xD8 {
					t.Fatal("the poster read back from S3 is not a JPEG")
				}
				var posterKey string
				if err := a.DB.Gorm.Raw("SELECT poster_key FROM media WHERE video_id = ?", vid).Scan(&posterKey).Error; err != nil || posterKey == "" {
					t.Fatalf("poster key: %q, %v", posterKey, err)
				}
				ph, err := gw.client.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: aws.String("videos-" + string(backend)), Key: aws.String(posterKey)})
				if err != nil || aws.ToString(ph.ContentType) != "image/jpeg" {
					t.Fatalf("poster object: %v, Content-Type %q", err, aws.ToString(ph.ContentType))
				}
				// The HLS renditions live in the bucket too and play through vms.
				if m.HLSURL == nil {
					t.Fatalf("media over S3 has no hls_url: %+v", m)
				}
				master := a.Do(http.MethodGet, *m.HLSURL, nil, acme.guestToken).Expect(t, 200)
				if !strings.Contains(string(master.Body), "RESOLUTION=320x240") {
					t.Fatalf("master playlist over S3:\n%s", master.Body)
				}
				seg := a.Do(http.MethodGet, fmt.Sprintf("/v1/videos/%d/hls/240p/seg_00001.m4s", vid), nil, acme.guestToken, "Range: bytes=0-99").Expect(t, http.StatusPartialContent)
				if len(seg.Body) != 100 {
					t.Fatalf("ranged segment over S3: %d bytes", len(seg.Body))
				}
			})
			t.Run("redirect", func(t *testing.T) {
				a := apptest.Start(t, backend, map[string]string{"STORAGE_URL": storage, "STREAM_MODE": "redirect", "MEDIA_PROCESSING": "required"})
				acme := newVideoTenant(t, a, "acme", "FREE", nil)
				vid := videoUpload(t, a, acme.adminToken, "Clip", data)
				// Once processing knows the duration, the URL lives for it plus a margin.
				m := awaitMedia(t, a, acme.guestToken, vid)
				if m.DurationSeconds == nil {
					t.Fatalf("media = %+v, want a duration", m)
				}
				duration := time.Duration(*m.DurationSeconds * float64(time.Second))
				res := a.Do(http.MethodGet, fmt.Sprintf("/v1/videos/stream/%d", vid), nil, acme.guestToken, rangeHeader).Expect(t, http.StatusFound)
				loc, err := url.Parse(res.Header.Get("Location"))
				if err != nil {
					t.Fatal(err)
				}
				q := loc.Query()
				wantExpires := strconv.FormatInt(int64(domain.PresignTTL(duration)/time.Second), 10)
				if q.Get("X-Amz-Expires") != wantExpires || q.Get("response-content-type") != "video/mp4" ||
					!strings.Contains(loc.RawQuery, "response-content-type=video%2Fmp4") {
					t.Fatalf("presigned URL %s: want X-Amz-Expires=%s and response-content-type=video%%2Fmp4", loc, wantExpires)
				}
				wantCache := fmt.Sprintf("private, max-age=%d", int64(domain.RedirectMaxAge(duration)/time.Second))
				if cc := res.Header.Get("Cache-Control"); cc != wantCache {
					t.Fatalf("redirect Cache-Control %q, want %q", cc, wantCache)
				}
				req, _ := http.NewRequest(http.MethodGet, loc.String(), nil)
				req.Header.Set("Range", "bytes=0-1023")
				up, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				got, _ := io.ReadAll(up.Body)
				_ = up.Body.Close()
				if up.StatusCode != http.StatusPartialContent || !bytes.Equal(got, data[:1024]) || up.Header.Get("Content-Type") != "video/mp4" {
					t.Fatalf("presigned GET: %d, %d bytes, Content-Type %q", up.StatusCode, len(got), up.Header.Get("Content-Type"))
				}
			})
		})
	}
}
