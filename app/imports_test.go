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

// crossModuleAllowed reports whether a package of one module may import a package of
// another module (target, rest): only that module's <target>events contract.
func crossModuleAllowed(target, rest string) bool {
	first, _, _ := strings.Cut(rest, "/")
	return first == target+"events"
}

// wiringPackage is the only package that may know more than one module.
const wiringPackage = "vms/app/wiring"

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
			out = append(out, pkg+" imports "+imp+": a module imports no other module's package but its <name>events; app/wiring binds ports")
		case (inModule || strings.HasPrefix(pkg, "vms/platform")) && (imp == "vms/app" || strings.HasPrefix(imp, "vms/app/")):
			out = append(out, pkg+" imports "+imp+": modules and platform never import app/")
		case strings.HasPrefix(pkg, "vms/platform") && toModule:
			out = append(out, pkg+" imports "+imp+": platform knows no module")
		case inModule && isDomain(fromRest) && !isStandard(imp) && imp != kindPackage && !(toModule && to == from && isDomain(toRest)):
			out = append(out, pkg+" imports "+imp+": domain packages import only the standard library and "+kindPackage)
		// Benchmark tools under deploy/ are not part of the server: they may call an
		// adapter to time it against the same work done directly (vmsload hlsargs).
		case production && toModule && isAdapter(toRest) && !(inModule && to == from && (fromRest == "" || isAdapter(fromRest))) && !strings.HasPrefix(pkg, "vms/deploy/"):
			out = append(out, pkg+" imports "+imp+": only the module's module.go (and its adapters) import adapters")
		}
	}
	return out
}

// knowsTwoModules reports a package outside modules/ other than app/wiring whose own
// imports reach two or more modules.
func knowsTwoModules(pkg string, imports []string) []string {
	if _, _, inModule := moduleOf(pkg); inModule || pkg == wiringPackage {
		return nil
	}
	seen := map[string]bool{}
	for _, imp := range imports {
		if to, _, ok := moduleOf(imp); ok {
			seen[to] = true
		}
	}
	if len(seen) < 2 {
		return nil
	}
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return []string{pkg + " imports the modules " + strings.Join(names, ", ") + ": only " + wiringPackage + " knows two modules"}
}

// moduleCycles returns the cycles of the module graph built from imports (an edge a → b
// when a package of module a imports a package of module b), each as "a → b → a".
func moduleCycles(edges map[string]map[string]bool) []string {
	const (
		unvisited = iota
		onStack
		done
	)
	state := map[string]int{}
	var stack []string
	var cycles []string
	var visit func(n string)
	visit = func(n string) {
		state[n] = onStack
		stack = append(stack, n)
		next := make([]string, 0, len(edges[n]))
		for m := range edges[n] {
			next = append(next, m)
		}
		sort.Strings(next)
		for _, m := range next {
			switch state[m] {
			case unvisited:
				visit(m)
			case onStack:
				i := len(stack) - 1
				for stack[i] != m {
					i--
				}
				cycles = append(cycles, strings.Join(append(append([]string{}, stack[i:]...), m), " → "))
			}
		}
		stack = stack[:len(stack)-1]
		state[n] = done
	}
	names := make([]string, 0, len(edges))
	for n := range edges {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if state[n] == unvisited {
			visit(n)
		}
	}
	return cycles
}

// addModuleEdges records the module-to-module edges of one package's imports.
func addModuleEdges(edges map[string]map[string]bool, pkg string, imports []string) {
	from, _, ok := moduleOf(pkg)
	if !ok {
		return
	}
	for _, imp := range imports {
		if to, _, ok := moduleOf(imp); ok && to != from {
			if edges[from] == nil {
				edges[from] = map[string]bool{}
			}
			edges[from][to] = true
		}
	}
}

func TestModuleImportRules(t *testing.T) {
	var violations []string
	modules := map[string]bool{}
	edges := map[string]map[string]bool{}
	for _, p := range listPackages(t) {
		if name, _, ok := moduleOf(p.ImportPath); ok {
			modules[name] = true
		}
		tests := append(append([]string{}, p.TestImports...), p.XTestImports...)
		violations = append(violations, importViolations(p.ImportPath, p.Imports, true)...)
		violations = append(violations, importViolations(p.ImportPath, tests, false)...)
		violations = append(violations, knowsTwoModules(p.ImportPath, p.Imports)...)
		addModuleEdges(edges, p.ImportPath, p.Imports)
		addModuleEdges(edges, p.ImportPath, tests)
	}
	if len(modules) < 5 {
		t.Fatalf("found the modules %v under modules/: the walk is broken", modules)
	}
	for _, c := range moduleCycles(edges) {
		violations = append(violations, "import cycle between modules: "+c)
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
		"vms/app/wiring":                      {"vms/modules/user/adapters/gormrepo"},
		"vms/modules/user":                    {"vms/modules/auth/ports"},
		"vms/modules/user/service":            {"vms/modules/corporation/ports"},
		"vms/modules/video/adapters/httpapi":  {"vms/modules/auth/service"},
		"vms/modules/video":                   {"vms/app/wiring"},
		"vms/platform/httpserver":             {"vms/modules/auth"},
		"vms/platform/database":               {"vms/app"},
	}
	for pkg, imports := range bad {
		if v := importViolations(pkg, imports, true); len(v) != 1 {
			t.Errorf("%s importing %v: violations %v, want one", pkg, imports, v)
		}
	}
	good := map[string][]string{
		"vms/modules/video/service":           {"vms/modules/corporation/corporationevents", "vms/modules/video/domain", "context", "vms/platform/database"},
		"vms/modules/points/adapters/events":  {"vms/modules/video/videoevents"},
		"vms/modules/user/domain":             {"errors", "net/mail", "vms/modules/user/domain/email", "vms/platform/kind"},
		"vms/modules/video":                   {"vms/modules/video/adapters/gormrepo", "go.uber.org/fx"},
		"vms/modules/video/adapters/httpapi":  {"vms/modules/video/adapters/storage"},
		"vms/modules/corporation/ports/tests": {"vms/modules/corporation/ports/repotest"},
		"vms/app/wiring":                      {"vms/modules/video", "vms/modules/user/ports"},
	}
	for pkg, imports := range good {
		if v := importViolations(pkg, imports, true); len(v) != 0 {
			t.Errorf("%s importing %v: unexpected violations %v", pkg, imports, v)
		}
	}
}

// TestTwoModulesOnlyInWiring keeps the "only app/wiring knows two modules" check honest.
func TestTwoModulesOnlyInWiring(t *testing.T) {
	both := []string{"vms/modules/video/ports", "vms/modules/auth/service"}
	if v := knowsTwoModules("vms/app/e2e", both); len(v) != 1 {
		t.Errorf("app/e2e importing two modules: violations %v, want one", v)
	}
	if v := knowsTwoModules(wiringPackage, both); len(v) != 0 {
		t.Errorf("app/wiring importing two modules: unexpected violations %v", v)
	}
	if v := knowsTwoModules("vms/app", []string{"vms/modules/video/ports", "vms/modules/video/domain"}); len(v) != 0 {
		t.Errorf("one module: unexpected violations %v", v)
	}
}

// TestModuleCyclesAreFound keeps the cycle check honest on planted graphs.
func TestModuleCyclesAreFound(t *testing.T) {
	edges := map[string]map[string]bool{}
	addModuleEdges(edges, "vms/modules/user/service", []string{"vms/modules/corporation/corporationevents"})
	addModuleEdges(edges, "vms/modules/points", []string{"vms/modules/video/videoevents"})
	if c := moduleCycles(edges); len(c) != 0 {
		t.Fatalf("acyclic graph: cycles %v", c)
	}
	addModuleEdges(edges, "vms/modules/corporation/service", []string{"vms/modules/user/userevents"})
	c := moduleCycles(edges)
	if len(c) != 1 || c[0] != "corporation → user → corporation" {
		t.Fatalf("cycles %v, want [corporation → user → corporation]", c)
	}
}
