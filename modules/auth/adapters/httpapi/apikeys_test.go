package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"
)

type keyReply struct {
	ID         int64    `json:"id"`
	Key        string   `json:"key"`
	Prefix     string   `json:"prefix"`
	Scopes     []string `json:"scopes"`
	ExpiresAt  *string  `json:"expires_at"`
	LastUsedAt *string  `json:"last_used_at"`
	RevokedAt  *string  `json:"revoked_at"`
}

func TestAPIKeyRoutes(t *testing.T) {
	e := newEnv(t)
	a := e.login(t, "admin@acme.example").AccessToken
	g := e.login(t, "guest@acme.example").AccessToken
	o := e.login(t, "boss@other.example").AccessToken

	r := e.do(t, "POST", "/v1/api-keys", `{"name":"CI","scopes":["videos:write","videos:read"],"expires_at":"2027-01-01T00:00:00Z"}`, a).expect(t, 201)
	var k keyReply
	if err := json.Unmarshal([]byte(r.body), &k); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(k.Key, "vms_") || len(k.Key) != 68 || k.Prefix != k.Key[:12] || strings.Join(k.Scopes, " ") != "videos:read videos:write" ||
		k.ExpiresAt == nil || *k.ExpiresAt != "2027-01-01T00:00:00Z" || k.LastUsedAt != nil || k.RevokedAt != nil {
		t.Fatalf("created %s", r.body)
	}
	if cc := r.header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
		t.Fatalf("Cache-Control %q", cc)
	}

	// Bad bodies change nothing.
	for body, status := range map[string]int{
		``:                                     400,
		`{"name":"x","scopes":["videos:read"]`: 400,
		`{"name":"x","scopes":"videos:read"}`:  422,
		`{"name":"x","scopes":["videos:read"],"role":"admin"}`: 422,
		`{"name":"x","scopes":["root"]}`:                       422,
		`{"name":"x","scopes":["videos:read"],"expires_at":5}`: 422,
		`{"scopes":["videos:read"]}`:                           422,
	} {
		e.do(t, "POST", "/v1/api-keys", body, a).expect(t, status)
	}
	if n := e.keys.Calls("Create"); n != 1 {
		t.Fatalf("%d keys stored, want 1", n)
	}
	e.do(t, "POST", "/v1/api-keys", `{"name":"x","scopes":["videos:read"]}`, g).expect(t, 403)
	e.do(t, "POST", "/v1/api-keys", `{"name":"x","scopes":["videos:read"]}`, "").expect(t, 401)
	if p := e.do(t, "POST", "/v1/api-keys", `{"name":"x","scopes":["videos:read"]}`, k.Key).expect(t, 403).problem(t); !strings.Contains(p.Detail, "API keys may not use this route") {
		t.Fatalf("a key creates keys: %+v", p)
	}

	// The list never shows the key; pages follow the Link header.
	e.do(t, "POST", "/v1/api-keys", `{"name":"second","scopes":["users:read"]}`, a).expect(t, 201)
	r = e.do(t, "GET", "/v1/api-keys?limit=1", "", a).expect(t, 200)
	if strings.Contains(r.body, k.Key) || strings.Contains(r.body, `"key"`) || !strings.Contains(r.header.Get("Link"), `rel="next"`) {
		t.Fatalf("list %s, Link %q", r.body, r.header.Get("Link"))
	}
	var items []map[string]any
	_ = json.Unmarshal([]byte(r.body), &items)
	if len(items) != 1 || len(items[0]) != 9 {
		t.Fatalf("items %v: want the 9 fields of a key", items)
	}
	if r := e.do(t, "GET", "/v1/api-keys", "", o).expect(t, 200); r.body != "[]" {
		t.Fatalf("another corporation lists %s", r.body)
	}
	e.do(t, "GET", "/v1/api-keys", "", g).expect(t, 403)
	e.do(t, "GET", "/v1/api-keys?cursor=bad", "", a).expect(t, 400)

	// Revocation.
	e.do(t, "DELETE", "/v1/api-keys/abc", "", a).expect(t, 400)
	e.do(t, "DELETE", "/v1/api-keys/1", "", o).expect(t, 404)
	e.do(t, "DELETE", "/v1/api-keys/1", "", g).expect(t, 403)
	e.do(t, "DELETE", "/v1/api-keys/1", "", a).expect(t, 204)
	e.do(t, "DELETE", "/v1/api-keys/1", "", a).expect(t, 204)
	if p := e.do(t, "GET", "/v1/api-keys", "", k.Key).expect(t, 401).problem(t); p.Detail != "API key was revoked" {
		t.Fatalf("revoked key: %+v", p)
	}
	if p := e.do(t, "GET", "/v1/api-keys", "", "vms_not-a-key").expect(t, 401).problem(t); p.Detail != "API key is not valid" {
		t.Fatalf("malformed key: %+v", p)
	}
}
