package main

import (
	"bytes"
	"flag"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/swaggo/swag"
	"github.com/swaggo/swag/gen"

	"vms/app/contract"
)

var updateDocs = flag.Bool("update-docs", false, "regenerate app/docs instead of comparing with it (make swag)")

// swagConfig is the generator's configuration; `make swag` runs the same through
// TestSwaggerDocsAreCurrent -update-docs, so the check and the generation cannot drift.
func swagConfig(outputDir string) *gen.Config {
	return &gen.Config{
		Debugger:           log.New(io.Discard, "", 0),
		SearchDir:          "app,platform/httpserver,modules",
		MainAPIFile:        "main.go",
		OutputDir:          outputDir,
		OutputTypes:        []string{"go", "json", "yaml"},
		PropNamingStrategy: swag.CamelCase,
		ParseInternal:      true,
		ParseDepth:         100,
		ParseGoList:        true,
		OverridesFile:      gen.DefaultOverridesFile,
		CollectionFormat:   "csv",
		PackageName:        "docs",
	}
}

// TestSwaggerDocsAreCurrent fails when the committed API documents in app/docs (Swagger 2
// from swag, and its OpenAPI 3 conversion) differ from what the annotations generate now.
func TestSwaggerDocsAreCurrent(t *testing.T) {
	committed := filepath.Join("app", "docs")
	out := t.TempDir()
	if *updateDocs {
		out = committed
	}
	t.Chdir("..")
	if err := gen.New().Build(swagConfig(out)); err != nil {
		t.Fatalf("swag: %v", err)
	}
	v2, err := os.ReadFile(filepath.Join(out, "swagger.json"))
	if err != nil {
		t.Fatal(err)
	}
	v3, err := contract.ToOpenAPI3(v2)
	if err != nil {
		t.Fatalf("OpenAPI 3 conversion: %v", err)
	}
	if err := os.WriteFile(filepath.Join(out, "openapi.json"), v3, 0o644); err != nil { //nolint:gosec // G306: a committed document, readable like the rest of the tree
		t.Fatal(err)
	}
	if *updateDocs {
		t.Logf("regenerated %s", committed)
		return
	}
	for _, name := range []string{"swagger.json", "swagger.yaml", "docs.go", "openapi.json"} {
		want, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(committed, name))
		if err != nil {
			t.Fatalf("committed %s: %v", name, err)
		}
		if !bytes.Equal(bytes.TrimSpace(got), bytes.TrimSpace(want)) {
			t.Errorf("app/docs/%s is stale: run `make swag` and commit the result (first difference at line %d)", name, firstDiffLine(got, want))
		}
	}
}

func firstDiffLine(a, b []byte) int {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return i + 1
		}
	}
	return min(len(la), len(lb)) + 1
}
