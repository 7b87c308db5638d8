package s3store

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"vms/modules/video/adapters/stream"
	"vms/modules/video/domain"
	"vms/modules/video/ports"
)

// TestServeRangeFromBucket serves a 1 MiB range of a 24 MiB object through
// stream.WriteContent and checks that the bucket sent about 1 MiB, not the object.
func TestServeRangeFromBucket(t *testing.T) {
	f := newFake(t)
	s := f.store(t, testBucket)
	data := randomBytes(24 << 20)
	obj, err := s.Put(context.Background(), bytes.NewReader(data), ports.PutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc, err := s.Open(r.Context(), obj.Key)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		defer rc.Close()
		req := domain.StreamRequest{Range: r.Header.Get("Range")}
		plan, err := domain.PlanContent(req, domain.Representation{Size: obj.Size, ETag: `"` + obj.SHA256 + `"`})
		if err != nil {
			http.Error(w, err.Error(), http.StatusRequestedRangeNotSatisfiable)
			return
		}
		_, _ = stream.WriteContent(w, domain.Stream{Kind: domain.StreamContent, Status: plan.Status, Ranges: plan.Ranges, Size: obj.Size, ContentType: "video/mp4", Content: rc})
	}))
	defer front.Close()
	f.sent.Store(0)
	req, _ := http.NewRequest(http.MethodGet, front.URL, nil)
	req.Header.Set("Range", "bytes=10485760-11534335")
	res, err := front.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusPartialContent || !bytes.Equal(body, data[10<<20:11<<20]) {
		t.Fatalf("status %d, %d bytes", res.StatusCode, len(body))
	}
	if sent := f.sentAtLeast(1 << 20); sent < 1<<20 || sent > 1<<20+64<<10 {
		t.Errorf("serving 1 MiB fetched %d bytes from the bucket", sent)
	}
}
