package main_test

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"vms/app/apptest"
)

// TestConsoleIsServed checks the console in the whole application: / and client routes
// answer its page under the strict CSP, its assets are immutable, and the API, docs and
// probes answer as before. (Plain requests: the console is not part of the API document.)
func TestConsoleIsServed(t *testing.T) {
	a := apptest.Start(t, apptest.SQLite, nil)
	type answer struct {
		status int
		header http.Header
		body   string
	}
	get := func(path string) answer {
		t.Helper()
		res, err := http.Get(a.BaseURL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return answer{res.StatusCode, res.Header, string(b)}
	}
	index := get("/")
	page := index.body
	if index.status != 200 || !strings.Contains(page, `<div id="app">`) || index.header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("GET /: %d %v", index.status, index.header)
	}
	csp := index.header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "media-src 'self' blob:") || strings.Contains(csp, "unsafe") {
		t.Fatalf("CSP %q", csp)
	}
	if r := get("/videos/1"); r.status != 200 || r.body != page {
		t.Fatalf("client route: %d", r.status)
	}
	m := regexp.MustCompile(`src="(/assets/[^"]+\.js)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no script in %s", page)
	}
	if r := get(m[1]); r.status != 200 || r.header.Get("Cache-Control") != "public, max-age=31536000, immutable" {
		t.Fatalf("GET %s: %d %v", m[1], r.status, r.header)
	}
	for path, want := range map[string]int{"/healthz": 200, "/readyz": 200, "/v1/videos": 200, "/v1/nope": 404, "/docs/doc.json": 200} {
		r := get(path)
		if r.status != want || strings.Contains(r.body, `<div id="app">`) || r.header.Get("Content-Security-Policy") != "" {
			t.Fatalf("GET %s: %d %s", path, r.status, r.body)
		}
	}
}
