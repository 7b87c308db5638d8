package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"vms/app/apptest"
)

// videoS3 starts an in-process S3 server with an empty bucket and returns its STORAGE_URL.
func videoS3(t *testing.T) string {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket("videos"); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(srv.Close)
	return "s3://KEY:SECRET@videos?endpoint=" + srv.URL + "&region=us-east-1&path_style=true"
}

func TestVideoS3Storage(t *testing.T) {
	for _, mode := range []string{"proxy", "redirect"} {
		t.Run(mode, func(t *testing.T) {
			a := apptest.Start(t, apptest.SQLite, map[string]string{"STORAGE_URL": videoS3(t), "STREAM_MODE": mode})
			a.Do(http.MethodGet, "/readyz", nil, "").Expect(t, 200)
			data := videoSample(t)
			acme := newVideoTenant(t, a, "acme", "FREE", nil)
			vid := videoUpload(t, a, acme.adminToken, "Clip", data)
			path := fmt.Sprintf("/v1/videos/stream/%d", vid)
			res := a.Do(http.MethodGet, path, nil, acme.guestToken, "Range: bytes=500-1499")
			var got []byte
			if mode == "redirect" {
				res.Expect(t, http.StatusFound)
				req, _ := http.NewRequest(http.MethodGet, res.Header.Get("Location"), nil)
				req.Header.Set("Range", "bytes=500-1499")
				up, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				got, _ = io.ReadAll(up.Body)
				_ = up.Body.Close()
				if up.StatusCode != http.StatusPartialContent {
					t.Fatalf("presigned URL answered %d", up.StatusCode)
				}
			} else {
				res.Expect(t, http.StatusPartialContent)
				got = res.Body
				if res.Header.Get("Content-Range") != "bytes 500-1499/88925" {
					t.Fatalf("Content-Range %q", res.Header.Get("Content-Range"))
				}
			}
			if !bytes.Equal(got, data[500:1500]) {
				t.Fatalf("streamed bytes differ (%d bytes)", len(got))
			}
			a.Do(http.MethodHead, path, nil, acme.guestToken).Expect(t, 200)
			if p := videoPoints(t, a, acme.guestToken, acme.guestID); p != 10 {
				t.Fatalf("guest has %d points, want 10", p)
			}
		})
	}
}
