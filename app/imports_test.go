package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"sort"
	"strings"
	"testing"
)

const modulePrefix = "vms/modules/"

// listedPackage is the part of `go list -json` the import rules need.
type listedPackage struct {
	ImportPath   string
	Imports      []string
	TestImports  []string
	XTestImports []string
}

func listPackages(t *testing.T) []listedPackage {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-json=ImportPath,Imports,TestImports,XTestImports", "./...")
	cmd.Dir = ".."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 5 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	return pkgs
}

// moduleOf splits vms/modules/<name>/<rest> into name and rest.
func moduleOf(path string) (name, rest string, ok bool) {
	tail, ok := strings.CutPrefix(path, modulePrefix)
	if !ok {
		return "", "", false
	}
	name, rest, _ = strings.Cut(tail, "/")
	return name, rest, true
}

// crossModuleAllowed reports whether a package of one module may import path, a package
// of another module: only its ports (and their shared contract tests) and its events.
func crossModuleAllowed(target, rest string) bool {
	first, _, _ := strings.Cut(rest, "/")
	return first == "ports" || first == target+"events"
}

// kindPackage is the one non-standard package domain packages may import: the kinds
// their errors report.
const kindPackage = "vms/platform/kind"

func isStandard(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".") && first != "vms"
}

func isDomain(rest string) bool { return rest == "domain" || strings.HasPrefix(rest, "domain/") }

func isAdapter(rest string) bool { return rest == "adapters" || strings.HasPrefix(rest, "adapters/") }

// importViolations applies the rules of the house to one package's imports.
func importViolations(pkg string, imports []string, production bool) []string {
	var out []string
	from, fromRest, inModule := moduleOf(pkg)
	for _, imp := range imports {
		to, toRest, toModule := moduleOf(imp)
		switch {
		case inModule && toModule && to != from && !crossModuleAllowed(to, toRest):
			out = append(out, pkg+" imports "+imp+": modules meet only through ports and <name>events")
		case inModule && isDomain(fromRest) && !isStandard(imp) && imp != kindPackage && !(toModule && to == from && isDomain(toRest)):
			out = append(out, pkg+" imports "+imp+": domain packages import only the standard library and "+kindPackage)
		case production && toModule && isAdapter(toRest) && !(inModule && to == from && (fromRest == "" || isAdapter(fromRest))):
			out = append(out, pkg+" imports "+imp+": only the module's module.go (and its adapters) import adapters")
		}
	}
	return out
}

func TestModuleImportRules(t *testing.T) {
	var violations []string
	modules := map[string]bool{}
	for _, p := range listPackages(t) {
		if name, _, ok := moduleOf(p.ImportPath); ok {
			modules[name] = true
		}
		violations = append(violations, importViolations(p.ImportPath, p.Imports, true)...)
		violations = append(violations, importViolations(p.ImportPath, append(p.TestImports, p.XTestImports...), false)...)
	}
	if len(modules) == 0 {
		t.Fatal("no packages under modules/: the walk is broken")
	}
	sort.Strings(violations)
	if len(violations) > 0 {
		t.Fatalf("import rules broken:\n  %s", strings.Join(violations, "\n  "))
	}
}

// TestImportRulesCatchViolations keeps the rule checker honest.
func TestImportRulesCatchViolations(t *testing.T) {
	bad := map[string][]string{
		"vms/modules/video/service":           {"vms/modules/corporation/domain"},
		"vms/modules/video/adapters/gormrepo": {"vms/modules/user/adapters/gormrepo"},
		"vms/modules/points":                  {"vms/modules/user/fake"},
		"vms/modules/user/domain":             {"gorm.io/gorm"},
		"vms/modules/auth/domain":             {"vms/platform/httpserver"},
		"vms/modules/video/domain":            {"vms/platform/clock"},
		"vms/modules/video/service/x":         {"vms/modules/video/adapters/httpapi"},
		"vms/app/bootstrap":                   {"vms/modules/user/adapters/gormrepo"},
	}
	for pkg, imports := range bad {
		if v := importViolations(pkg, imports, true); len(v) != 1 {
			t.Errorf("%s importing %v: violations %v, want one", pkg, imports, v)
		}
	}
	good := map[string][]string{
		"vms/modules/video/service":           {"vms/modules/corporation/ports", "vms/modules/video/domain", "context", "vms/platform/database"},
		"vms/modules/points/adapters/events":  {"vms/modules/video/videoevents"},
		"vms/modules/user/domain":             {"errors", "net/mail", "vms/modules/user/domain/email", "vms/platform/kind"},
		"vms/modules/video":                   {"vms/modules/video/adapters/gormrepo", "go.uber.org/fx"},
		"vms/modules/video/adapters/httpapi":  {"vms/modules/video/adapters/storage"},
		"vms/modules/corporation/ports/tests": {"vms/modules/user/ports/porttest"},
		"vms/app/bootstrap":                   {"vms/modules/video"},
	}
	for pkg, imports := range good {
		if v := importViolations(pkg, imports, true); len(v) != 0 {
			t.Errorf("%s importing %v: unexpected violations %v", pkg, imports, v)
		}
	}
}
