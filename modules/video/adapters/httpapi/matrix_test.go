package httpapi_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestAuthorizationMatrix checks every video route for an anonymous caller, a guest and
// an admin of the owning corporation and of another corporation, each on a fresh store.
func TestAuthorizationMatrix(t *testing.T) {
	type route struct {
		name   string
		method string
		path   func(e *env) string
		body   string
		want   map[string]int
	}
	all := func(s int) map[string]int {
		return map[string]int{anon: s, guestA: s, adminA: s, adminB: s}
	}
	signed := func(s int) map[string]int {
		return map[string]int{anon: 401, guestA: s, adminA: s, adminB: s}
	}
	routes := []route{
		{"create from url", "POST", func(*env) string { return "/v1/videos" }, `{"name":"n","file_path":"https://media.example.com/b.mp4"}`,
			map[string]int{anon: 401, guestA: 403, adminA: 201, adminB: 201}},
		{"list live", "GET", func(*env) string { return "/v1/videos" }, "", all(200)},
		{"list corporation", "GET", func(*env) string { return "/v1/videos/100" }, "", signed(200)},
		{"list trash", "GET", func(*env) string { return "/v1/videos/100?deleted=true" }, "",
			map[string]int{anon: 401, guestA: 403, adminA: 200, adminB: 403}},
		{"get", "GET", func(e *env) string { return "/v1/videos/id/" + id(e.live) }, "", all(200)},
		{"get deleted", "GET", func(e *env) string { return "/v1/videos/id/" + id(e.trashed) }, "", all(404)},
		{"update", "PUT", func(e *env) string { return "/v1/videos/" + id(e.live) }, `{"name":"renamed"}`,
			map[string]int{anon: 401, guestA: 403, adminA: 200, adminB: 404}},
		{"delete", "DELETE", func(e *env) string { return "/v1/videos/" + id(e.live) }, "",
			map[string]int{anon: 401, guestA: 403, adminA: 204, adminB: 404}},
		{"restore", "PUT", func(e *env) string { return "/v1/videos/" + id(e.trashed) + "/restore" }, "",
			map[string]int{anon: 401, guestA: 403, adminA: 200, adminB: 404}},
		{"stream", "GET", func(e *env) string { return "/v1/videos/stream/" + id(e.live) }, "", signed(200)},
		{"stream head", "HEAD", func(e *env) string { return "/v1/videos/stream/" + id(e.live) }, "", signed(200)},
		{"stream deleted", "GET", func(e *env) string { return "/v1/videos/stream/" + id(e.trashed) }, "", signed(404)},
		{"playback", "GET", func(e *env) string { return "/v1/videos/" + id(e.live) + "/playback" }, "", signed(200)},
		{"record view", "POST", func(*env) string { return "/v1/view-logs" }, `{"video_id":1}`, signed(201)},
		{"read view log", "GET", func(e *env) string { return "/v1/view-logs/2/" + id(e.live) }, "",
			map[string]int{anon: 401, guestA: 200, adminA: 200, adminB: 403}},
	}
	for _, r := range routes {
		for _, who := range []string{anon, guestA, adminA, adminB} {
			name := r.name + "/" + map[string]string{anon: "anonymous", guestA: "guest", adminA: "admin same corporation", adminB: "admin other corporation"}[who]
			t.Run(name, func(t *testing.T) {
				e := newEnv(t)
				var rec = e.do(r.method, r.path(e), who, bodyOf(r.body))
				if rec.Code != r.want[who] {
					t.Fatalf("%s %s as %q: %d, want %d; body %s", r.method, r.path(e), who, rec.Code, r.want[who], rec.Body)
				}
				if rec.Code >= 400 && r.method != "HEAD" && !strings.Contains(rec.Header().Get("Content-Type"), "problem+json") {
					t.Fatalf("error without problem+json: %s", rec.Header().Get("Content-Type"))
				}
			})
		}
	}
}

func bodyOf(s string) io.Reader {
	if s == "" {
		return nil
	}
	return strings.NewReader(s)
}

func TestBadPathSegmentsAre400(t *testing.T) {
	e := newEnv(t)
	for _, p := range []string{"/v1/videos/abc", "/v1/videos/id", "/v1/videos/-1", "/v1/videos/0", "/v1/videos/99999999999999999999"} {
		if rec := e.do(http.MethodGet, p, guestA, nil); rec.Code != 400 {
			t.Errorf("GET %s: %d, want 400", p, rec.Code)
		}
	}
	for _, p := range []string{"/v1/videos/id/x", "/v1/videos/stream/x", "/v1/view-logs/x/1", "/v1/view-logs/1/x"} {
		if rec := e.do(http.MethodGet, p, guestA, nil); rec.Code != 400 {
			t.Errorf("GET %s: %d, want 400", p, rec.Code)
		}
	}
	if rec := e.do(http.MethodGet, "/v1/videos/100?deleted=maybe", adminA, nil); rec.Code != 400 {
		t.Errorf("deleted=maybe: %d", rec.Code)
	}
}
