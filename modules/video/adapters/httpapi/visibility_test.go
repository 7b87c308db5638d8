package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"vms/modules/video/domain"
)

func TestPrivateVideosAndVisibilityField(t *testing.T) {
	e := newEnv(t)
	priv, err := e.videos.Create(context.Background(), domain.Video{Name: "Secret plan", CorporationID: 100, SourceKind: domain.SourceURL, SourceURL: "https://media.example.com/a.mp4"})
	if err != nil {
		t.Fatal(err)
	}
	path := "/v1/videos/id/" + id(priv)
	for who, want := range map[string]int{anon: 404, guestA: 200, adminA: 200, adminB: 404} {
		if rec := e.do(http.MethodGet, path, who, nil); rec.Code != want {
			t.Errorf("GET %s as %q: %d, want %d", path, who, rec.Code, want)
		}
	}
	var got map[string]any
	rec := e.do(http.MethodGet, path, guestA, nil)
	_ = json.Unmarshal(rec.Body.Bytes(), &got)
	if got["visibility"] != "private" {
		t.Fatalf("visibility in the answer: %v", got)
	}
	if rec := e.do(http.MethodGet, "/v1/videos?q=secret", anon, nil); strings.Contains(rec.Body.String(), "Secret") {
		t.Fatalf("anonymous search found a private video: %s", rec.Body)
	}
	if rec := e.do(http.MethodGet, "/v1/videos?q=SECRET", guestA, nil); !strings.Contains(rec.Body.String(), "Secret plan") {
		t.Fatalf("member's search: %d %s", rec.Code, rec.Body)
	}
	if rec := e.do(http.MethodGet, "/v1/videos", "nonsense", nil); rec.Code != 401 {
		t.Fatalf("a bad token on an open route: %d", rec.Code)
	}
	if rec := e.do(http.MethodGet, "/v1/videos?q="+strings.Repeat("x", 201), anon, nil); rec.Code != 422 {
		t.Fatalf("long q: %d", rec.Code)
	}

	bad := e.do(http.MethodPost, "/v1/videos", adminA, strings.NewReader(`{"name":"n","file_path":"https://media.example.com/b.mp4","visibility":"all"}`))
	if bad.Code != 422 || !strings.Contains(bad.Body.String(), `"visibility"`) {
		t.Fatalf("bad visibility on create: %d %s", bad.Code, bad.Body)
	}
	up := e.do(http.MethodPut, "/v1/videos/"+id(priv), adminA, strings.NewReader(`{"visibility":"public"}`))
	_ = json.Unmarshal(up.Body.Bytes(), &got)
	if up.Code != 200 || got["visibility"] != "public" {
		t.Fatalf("publish: %d %s", up.Code, up.Body)
	}
	if rec := e.do(http.MethodGet, path, anon, nil); rec.Code != 200 {
		t.Fatalf("published video for anonymous callers: %d", rec.Code)
	}
}
