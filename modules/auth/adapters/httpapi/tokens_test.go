package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func newRequest(target string) *http.Request { return httptest.NewRequest("GET", target, nil) }

func TestListTokens(t *testing.T) {
	e := newEnv(t)
	g1 := e.login(t, "guest@acme.example")
	g2 := e.login(t, "guest@acme.example")
	a := e.login(t, "admin@acme.example")
	o := e.login(t, "boss@other.example")

	r := e.do(t, "GET", "/v1/tokens/2", "", a.AccessToken).expect(t, 200)
	var list []map[string]any
	if err := json.Unmarshal([]byte(r.body), &list); err != nil || len(list) != 2 {
		t.Fatalf("list %s %v", r.body, err)
	}
	for _, item := range list {
		if len(item) != 5 || item["id"] == nil || item["created_at"] == nil || item["expires_at"] == nil {
			t.Fatalf("item %v", item)
		}
		if _, ok := item["revoked_at"]; !ok {
			t.Fatalf("item %v lacks revoked_at", item)
		}
	}
	for _, secretish := range []string{g1.RefreshToken, g2.RefreshToken, "hash", "token"} {
		if strings.Contains(r.body, secretish) {
			t.Fatalf("body %s reveals %q", r.body, secretish)
		}
	}
	page := e.do(t, "GET", "/v1/tokens/2?limit=1", "", a.AccessToken).expect(t, 200)
	link := page.header.Get("Link")
	if !strings.Contains(link, `rel="next"`) || !strings.Contains(link, "cursor=") {
		t.Fatalf("Link %q", link)
	}
	next := link[strings.Index(link, "<")+1 : strings.Index(link, ">")]
	last := e.do(t, "GET", next, "", a.AccessToken).expect(t, 200)
	var rest []map[string]any
	_ = json.Unmarshal([]byte(last.body), &rest)
	if len(rest) != 1 || rest[0]["id"] == list[0]["id"] {
		t.Fatalf("second page %s", last.body)
	}

	e.do(t, "GET", "/v1/tokens/2", "", "").expect(t, 401)
	e.do(t, "GET", "/v1/tokens/2", "", g1.AccessToken).expect(t, 403)
	e.do(t, "GET", "/v1/tokens/1", "", g1.AccessToken).expect(t, 403)
	e.do(t, "GET", "/v1/tokens/2", "", o.AccessToken).expect(t, 404)
	e.do(t, "GET", "/v1/tokens/999", "", a.AccessToken).expect(t, 404)
	for _, bad := range []string{"abc", "0", "-1", "1.5", "99999999999999999999"} {
		e.do(t, "GET", "/v1/tokens/"+bad, "", a.AccessToken).expect(t, 400)
	}
	e.do(t, "GET", "/v1/tokens/2?limit=0", "", a.AccessToken).expect(t, 400)
	e.do(t, "GET", "/v1/tokens/2?cursor=not-a-cursor", "", a.AccessToken).expect(t, 400)
}
