package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"vms/app/wiring"
	"vms/platform/config"
)

// undocumented lists the routes that are not part of the API document: the docs
// themselves, metrics, HEAD of the probes and the web console's files.
var undocumented = map[string]bool{
	"GET /":              true,
	"HEAD /":             true,
	"GET /assets/*path":  true,
	"HEAD /assets/*path": true,
	"GET /docs":          true,
	"GET /docs/*any":     true,
	"GET /metrics":       true,
	"HEAD /healthz":      true,
	"HEAD /readyz":       true,
	"HEAD /docs/*any":    true,
}

// catchAll maps a route whose last segment is a gin catch-all (*path) to the paths that
// document it: OpenAPI path parameters are single segments.
var catchAll = map[string][]string{
	"/v1/videos/:id/hls/*path": {"/v1/videos/{}/hls/master.m3u8", "/v1/videos/{}/hls/{}/{}"},
}

var (
	ginParam = regexp.MustCompile(`:([A-Za-z0-9_]+)`)
	docParam = regexp.MustCompile(`\{[A-Za-z0-9_]+\}`)
)

// routeShape names a path's parameters "{}": gin may name one segment differently per
// method (/v1/users/:email and /v1/users/:id), while the document must not (OpenAPI
// treats /v1/users/{email} and /v1/users/{id} as one conflicting path), so the document
// names such a segment once (/v1/users/{user}) and each operation describes it.
func routeShape(method, path string) string {
	return method + " " + docParam.ReplaceAllString(path, "{}")
}

// TestOpenAPIMatchesRoutes fails when a route is registered without being documented in
// app/docs/swagger.json, or when the document names a route the server does not have.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	dir := t.TempDir()
	cfg, err := config.Load(func(k string) (string, bool) {
		v, ok := map[string]string{"DATA_DIR": dir, "HTTP_ADDR": "127.0.0.1:0", "JWT_SECRET": strings.Repeat("s", 40), "LOG_LEVEL": "error"}[k]
		return v, ok
	})
	if err != nil {
		t.Fatal(err)
	}
	var engine *gin.Engine
	app := fxtest.New(t, fx.NopLogger, wiring.Options(cfg), fx.Populate(&engine))
	defer app.RequireStart().RequireStop()

	served := map[string]bool{}
	for _, r := range engine.Routes() {
		if undocumented[r.Method+" "+r.Path] {
			continue
		}
		if paths, ok := catchAll[r.Path]; ok {
			for _, p := range paths {
				served[r.Method+" "+p] = true
			}
			continue
		}
		served[routeShape(r.Method, ginParam.ReplaceAllString(r.Path, "{$1}"))] = true
	}

	raw, err := os.ReadFile(filepath.Join("docs", "swagger.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for path, ops := range doc.Paths {
		for method := range ops {
			documented[routeShape(strings.ToUpper(method), path)] = true
		}
	}

	var missing, stale []string
	for k := range served {
		if !documented[k] {
			missing = append(missing, k)
		}
	}
	for k := range documented {
		if !served[k] {
			stale = append(stale, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(stale)
	if len(missing) > 0 {
		t.Errorf("routes without OpenAPI documentation (add swag annotations, then make swag):\n  %s", strings.Join(missing, "\n  "))
	}
	if len(stale) > 0 {
		t.Errorf("documented routes the server does not serve:\n  %s", strings.Join(stale, "\n  "))
	}
}
