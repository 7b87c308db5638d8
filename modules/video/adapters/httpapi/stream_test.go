package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"vms/modules/video/domain"
	"vms/modules/video/fake"
	"vms/modules/video/service"
)

func TestStreamRangeRecordsTheViewOnce(t *testing.T) {
	e := newEnv(t)
	path := "/v1/videos/stream/" + id(e.live)
	rec := e.do(http.MethodGet, path, guestA, nil, "Range: bytes=100-1123")
	if rec.Code != 206 || !bytes.Equal(rec.Body.Bytes(), e.data[100:1124]) {
		t.Fatalf("range: %d, %d bytes", rec.Code, rec.Body.Len())
	}
	h := rec.Header()
	if h.Get("Content-Range") != "bytes 100-1123/88925" || h.Get("Content-Type") != "video/mp4" || h.Get("Accept-Ranges") != "bytes" ||
		h.Get("ETag") != `"d9841c0318294df019521058483a10f7ce52e7eccd4ea26dec10605508b90ec1"` || h.Get("Last-Modified") == "" {
		t.Fatalf("headers %v", h)
	}
	if e.views.Len() != 1 || len(e.pub.Published()) != 1 {
		t.Fatalf("views %d, events %d after the first GET", e.views.Len(), len(e.pub.Published()))
	}
	for range 3 {
		if rec := e.do(http.MethodGet, path, guestA, nil, "Range: bytes=0-9"); rec.Code != 206 {
			t.Fatalf("repeat range %d", rec.Code)
		}
	}
	if len(e.pub.Published()) != 1 {
		t.Fatalf("repeat GETs published %d events", len(e.pub.Published()))
	}
	full := e.do(http.MethodGet, path, guestA, nil)
	if full.Code != 200 || !bytes.Equal(full.Body.Bytes(), e.data) {
		t.Fatalf("full GET %d, %d bytes", full.Code, full.Body.Len())
	}
}

func TestStreamAnswersWithoutBytesRecordNothing(t *testing.T) {
	e := newEnv(t)
	path := "/v1/videos/stream/" + id(e.live)
	cases := []struct {
		method string
		header string
		status int
	}{
		{http.MethodHead, "Range: bytes=0-9", 200},
		{http.MethodHead, "", 200},
		{http.MethodGet, "Range: bytes=999999-", 416},
		{http.MethodGet, `If-None-Match: "d9841c0318294df019521058483a10f7ce52e7eccd4ea26dec10605508b90ec1"`, 304},
	}
	for _, c := range cases {
		var rec = e.do(c.method, path, guestA, nil, headers(c.header)...)
		if rec.Code != c.status {
			t.Fatalf("%s %q: %d, want %d", c.method, c.header, rec.Code, c.status)
		}
		if c.method == http.MethodHead && (rec.Body.Len() != 0 || rec.Header().Get("Content-Length") != "88925") {
			t.Fatalf("HEAD: body %d bytes, Content-Length %q", rec.Body.Len(), rec.Header().Get("Content-Length"))
		}
		if c.status == 416 && rec.Header().Get("Content-Range") != "bytes */88925" {
			t.Fatalf("416 Content-Range %q", rec.Header().Get("Content-Range"))
		}
	}
	if e.views.Len() != 0 || len(e.pub.Published()) != 0 {
		t.Fatalf("recorded %d views and %d events without sending the video", e.views.Len(), len(e.pub.Published()))
	}
}

func headers(h string) []string {
	if h == "" {
		return nil
	}
	return []string{h}
}

func TestStreamFailsBeforeBytesWhenTheViewCannotBeRecorded(t *testing.T) {
	e := newEnv(t)
	e.pub.Err = fake.ErrBroken
	rec := e.do(http.MethodGet, "/v1/videos/stream/"+id(e.live), guestA, nil, "Range: bytes=0-99")
	if rec.Code != 500 || bytes.Contains(rec.Body.Bytes(), e.data[4:12]) || rec.Header().Get("Content-Range") != "" {
		t.Fatalf("failed record: %d, headers %v", rec.Code, rec.Header())
	}
	if !strings.Contains(rec.Header().Get("Content-Type"), "problem+json") {
		t.Fatalf("content type %q", rec.Header().Get("Content-Type"))
	}
}

func TestStreamWithPlaybackToken(t *testing.T) {
	e := newEnv(t)
	ok := e.do(http.MethodGet, "/v1/videos/stream/"+id(e.live)+"?token="+playbackToken(e.live), "", nil, "Range: bytes=0-3")
	if ok.Code != 206 {
		t.Fatalf("own video: %d", ok.Code)
	}
	other := e.do(http.MethodGet, "/v1/videos/stream/"+id(e.remote)+"?token="+playbackToken(e.live), "", nil)
	if other.Code != 404 {
		t.Fatalf("token for another video: %d", other.Code)
	}
	if rec := e.do(http.MethodGet, "/v1/videos/id/"+id(e.live)+"?token="+playbackToken(e.live), "", nil); rec.Code != 200 {
		t.Fatalf("public read: %d", rec.Code)
	}
	if rec := e.do(http.MethodGet, "/v1/videos/100?token="+playbackToken(e.live), "", nil); rec.Code != 401 {
		t.Fatalf("playback token on a Bearer-only route: %d", rec.Code)
	}
}

func TestStreamSourceURL(t *testing.T) {
	e := newEnv(t)
	rec := e.do(http.MethodGet, "/v1/videos/stream/"+id(e.remote), guestA, nil, "Range: bytes=10-19", `If-Range: "x"`, "Cookie: secret=1")
	if rec.Code != 206 || !bytes.Equal(rec.Body.Bytes(), e.data[10:20]) || rec.Header().Get("Content-Range") != "bytes 10-19/88925" {
		t.Fatalf("proxied range: %d %q", rec.Code, rec.Header().Get("Content-Range"))
	}
	if sent := e.sources.LastRequest(); sent != (domain.SourceRequest{Range: "bytes=10-19", IfRange: `"x"`}) {
		t.Fatalf("request sent to the source: %+v", sent)
	}
	if e.views.Len() != 1 {
		t.Fatalf("views %d", e.views.Len())
	}
	delete(e.sources.Bodies, "https://media.example.com/a.mp4")
	bad := e.do(http.MethodGet, "/v1/videos/stream/"+id(e.remote), adminB, nil)
	if bad.Code != 502 || e.views.Len() != 1 || bad.Header().Get("Content-Type") != "application/problem+json" {
		t.Fatalf("failed source: %d %q, views %d", bad.Code, bad.Header().Get("Content-Type"), e.views.Len())
	}
}

func TestStreamRedirectRecordsFirst(t *testing.T) {
	e := newEnv(t, func(s *service.Settings) { s.RedirectStreams = true })
	e.storage.PresignBase = "https://bucket.example.com/"
	rec := e.do(http.MethodGet, "/v1/videos/stream/"+id(e.live), guestA, nil)
	if rec.Code != 302 || rec.Header().Get("Location") != "https://bucket.example.com/k-live" || e.views.Len() != 1 {
		t.Fatalf("redirect: %d %q, views %d", rec.Code, rec.Header().Get("Location"), e.views.Len())
	}
	if cc := rec.Header().Get("Cache-Control"); cc != "private, max-age=900" {
		t.Fatalf("redirect Cache-Control %q", cc)
	}
	head := e.do(http.MethodHead, "/v1/videos/stream/"+id(e.live), adminA, nil)
	if head.Code != 200 || e.views.Len() != 1 {
		t.Fatalf("HEAD in redirect mode: %d, views %d", head.Code, e.views.Len())
	}
}

func TestViewLogRoutes(t *testing.T) {
	e := newEnv(t)
	body := `{"video_id":` + id(e.live) + `}`
	first := e.do(http.MethodPost, "/v1/view-logs", guestA, strings.NewReader(body))
	var got map[string]any
	_ = json.Unmarshal(first.Body.Bytes(), &got)
	if first.Code != 201 || got["points_awarded"] != float64(10) || got["user_id"] != float64(2) || got["video_id"] != float64(e.live.ID) || got["created_at"] == nil {
		t.Fatalf("first view: %d %s", first.Code, first.Body)
	}
	again := e.do(http.MethodPost, "/v1/view-logs", guestA, strings.NewReader(body))
	_ = json.Unmarshal(again.Body.Bytes(), &got)
	if again.Code != 200 || got["points_awarded"] != float64(0) {
		t.Fatalf("repeat view: %d %s", again.Code, again.Body)
	}
	if rec := e.do(http.MethodGet, "/v1/view-logs/2/"+id(e.live), guestA, nil); rec.Code != 200 || strings.TrimSpace(rec.Body.String()) != "true" {
		t.Fatalf("read: %d %s", rec.Code, rec.Body)
	}
	if rec := e.do(http.MethodGet, "/v1/view-logs/1/"+id(e.live), adminA, nil); rec.Code != 200 || strings.TrimSpace(rec.Body.String()) != "false" {
		t.Fatalf("read unviewed: %d %s", rec.Code, rec.Body)
	}
	for b, want := range map[string]int{`{"video_id":999}`: 404, `{"video_id":` + id(e.trashed) + `}`: 404, `{}`: 422, `{"video_id":"1"}`: 422, `{"video_id":-4}`: 422, `[]`: 400} {
		if rec := e.do(http.MethodPost, "/v1/view-logs", guestA, strings.NewReader(b)); rec.Code != want {
			t.Errorf("POST %s: %d, want %d", b, rec.Code, want)
		}
	}
}

func TestListsPaginateAndHideDeleted(t *testing.T) {
	e := newEnv(t)
	rec := e.do(http.MethodGet, "/v1/videos?limit=1", "", nil)
	var page []map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &page)
	link := rec.Header().Get("Link")
	if rec.Code != 200 || len(page) != 1 || page[0]["id"] != float64(e.live.ID) || !strings.Contains(link, `rel="next"`) {
		t.Fatalf("page 1: %d %v %q", rec.Code, page, link)
	}
	next := link[strings.Index(link, "<")+1 : strings.Index(link, ">")]
	rec = e.do(http.MethodGet, next, "", nil)
	_ = json.Unmarshal(rec.Body.Bytes(), &page)
	if len(page) != 1 || page[0]["id"] != float64(e.remote.ID) || page[0]["file_path"] != "https://media.example.com/a.mp4" {
		t.Fatalf("page 2 skipped the deleted video wrongly: %v", page)
	}
	rec = e.do(http.MethodGet, "/v1/videos/100?deleted=true", adminA, nil)
	_ = json.Unmarshal(rec.Body.Bytes(), &page)
	if len(page) != 1 || page[0]["id"] != float64(e.trashed.ID) || page[0]["deleted"] != true || page[0]["deleted_at"] == nil {
		t.Fatalf("trash %v", page)
	}
	if rec := e.do(http.MethodGet, "/v1/videos?limit=1000", "", nil); rec.Code != 400 {
		t.Fatalf("limit 1000: %d", rec.Code)
	}
}

func TestPlaybackURL(t *testing.T) {
	e := newEnv(t)
	rec := e.do(http.MethodGet, "/v1/videos/"+id(e.live)+"/playback", guestA, nil)
	var got map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &got)
	if rec.Code != 200 || got["url"] != "/v1/videos/stream/1?token=play-1-2" || got["expires_at"] == nil {
		t.Fatalf("playback: %d %s", rec.Code, rec.Body)
	}
	if rec := e.do(http.MethodGet, "/v1/videos/"+id(e.trashed)+"/playback", guestA, nil); rec.Code != 404 {
		t.Fatalf("playback of deleted: %d", rec.Code)
	}
}
