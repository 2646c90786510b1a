package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"

	"github.com/ansible-tap/ansible-tap/internal/testio"
)

// modulePath is the import path of ansible-tap's module.
const modulePath = "github.com/ansible-tap/ansible-tap"

// outputPackages are the outputs, each of which imports the event model and
// none of the others (DESIGN.md). compare, the comparison of runs, is not
// an output: the history, render and report import it.
var outputPackages = []string{"render", "notify", "metrics", "report", "history"}

// goPackage is what `go list -json` says of a package that the boundaries
// read: its imports, and every package it depends on, directly or not.
// Neither counts what its tests import.
type goPackage struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// listPackages lists the module's packages with `go list -json ./...`.
func listPackages(t *testing.T) map[string]goPackage {
	t.Helper()
	goTool := testio.RequireTool(t, "go")
	cmd := exec.Command(goTool, "list", "-json", "./...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.Bytes())
	}
	pkgs := make(map[string]goPackage)
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p goPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs
}

// boundaryViolations checks the boundaries between the module's packages
// and describes each crossing, with the imports that make it:
//   - only the command (the module's root package) imports runner, the
//     process side;
//   - the event model imports nothing of the project but internal/
//     packages, and the comparison nothing but the event model and them;
//   - no output imports another output, however indirectly.
//
// What tests import is left out: tests may import runner, to record real
// runs of ansible-playbook, and another output, to check that two outputs
// agree (metrics's OTLP logs redact as notify's webhook does).
func boundaryViolations(pkgs map[string]goPackage) []string {
	full := func(rel string) string { return modulePath + "/" + rel }
	runner := full("runner")
	var out []string
	crossing := func(from, to, rule string) {
		out = append(out, rule+": "+strings.Join(importChain(pkgs, from, to), " → "))
	}
	paths := make([]string, 0, len(pkgs))
	for path := range pkgs {
		paths = append(paths, path)
	}
	slices.Sort(paths)
	for _, path := range paths {
		p := pkgs[path]
		if path != modulePath && path != runner && !strings.HasPrefix(path, runner+"/") && slices.Contains(p.Deps, runner) {
			crossing(path, runner, "only the command imports runner")
		}
	}
	for _, model := range []struct{ pkg, allowed, rule string }{
		{"event", "", "the event model imports only internal/ packages of the project"},
		{"compare", "event", "the comparison imports only the event model and internal/ packages of the project"},
	} {
		for _, dep := range pkgs[full(model.pkg)].Deps {
			rel, ok := strings.CutPrefix(dep, modulePath+"/")
			if ok && !strings.HasPrefix(rel, "internal/") && rel != model.allowed {
				crossing(full(model.pkg), dep, model.rule)
			}
		}
	}
	for _, o := range outputPackages {
		for _, other := range outputPackages {
			if other != o && slices.Contains(pkgs[full(o)].Deps, full(other)) {
				crossing(full(o), full(other), "no output imports another output")
			}
		}
	}
	return out
}

// importChain is the shortest chain of imports that leads from one package
// of the module to another, both ends included.
func importChain(pkgs map[string]goPackage, from, to string) []string {
	previous := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		at := queue[0]
		queue = queue[1:]
		if at == to {
			var chain []string
			for ; at != ""; at = previous[at] {
				chain = append([]string{strings.TrimPrefix(at, modulePath+"/")}, chain...)
			}
			return chain
		}
		for _, next := range pkgs[at].Imports {
			if _, seen := previous[next]; !seen {
				previous[next] = at
				queue = append(queue, next)
			}
		}
	}
	return []string{from, "…", to}
}

// TestPackageBoundaries checks the module's imports against the
// boundaries of DESIGN.md (boundaryViolations).
func TestPackageBoundaries(t *testing.T) {
	pkgs := listPackages(t)
	for _, rel := range append([]string{"event", "runner", "compare"}, outputPackages...) {
		if _, ok := pkgs[modulePath+"/"+rel]; !ok {
			t.Fatalf("go list does not list %s: the boundaries would check nothing", rel)
		}
	}
	for _, v := range boundaryViolations(pkgs) {
		t.Error(v)
	}
}

// TestBoundaryViolations adds each kind of forbidden import to a small
// module of the same shape, directly or through another package, and
// checks that it is reported, with the imports that make it; the imports
// the boundaries allow report nothing.
func TestBoundaryViolations(t *testing.T) {
	// module builds a graph from "pkg: imports…" lines, the paths relative
	// to the module, with each package's transitive dependencies.
	module := func(lines ...string) map[string]goPackage {
		pkgs := make(map[string]goPackage)
		for _, line := range lines {
			name, imports, _ := strings.Cut(line, ":")
			p := goPackage{ImportPath: strings.TrimSuffix(modulePath+"/"+name, "/")}
			for _, imp := range strings.Fields(imports) {
				p.Imports = append(p.Imports, modulePath+"/"+imp)
			}
			pkgs[p.ImportPath] = p
		}
		for path, p := range pkgs {
			seen := map[string]bool{}
			var visit func(string)
			visit = func(at string) {
				for _, imp := range pkgs[at].Imports {
					if !seen[imp] {
						seen[imp] = true
						visit(imp)
					}
				}
			}
			visit(path)
			for dep := range seen {
				p.Deps = append(p.Deps, dep)
			}
			pkgs[path] = p
		}
		return pkgs
	}
	allowed := []string{
		": event runner render notify metrics report history compare internal/outfile",
		"runner: event internal/ansibleargs",
		"event: internal/jsonscan",
		"compare: event internal/textcut",
		"history: compare event internal/ansibleargs",
		"render: compare event",
		"report: compare event internal/outfile",
		"notify: event internal/redact",
		"metrics: event internal/redact",
		"internal/redact: event internal/jsonscan",
		"internal/ansibleargs:", "internal/jsonscan:", "internal/textcut:", "internal/outfile:",
	}
	if v := boundaryViolations(module(allowed...)); len(v) > 0 {
		t.Fatalf("the allowed imports are reported: %q", v)
	}
	for _, tc := range []struct {
		name  string
		added string // a line that replaces the package's own
		want  string
	}{
		{"an output imports runner", "notify: event internal/redact runner",
			"only the command imports runner: notify → runner"},
		{"an internal package imports runner", "internal/outfile: runner",
			"only the command imports runner: internal/outfile → runner"},
		{"an output imports runner through an internal package", "internal/redact: event internal/jsonscan runner",
			"only the command imports runner: metrics → internal/redact → runner"},
		{"the event model imports an output", "event: internal/jsonscan render",
			"the event model imports only internal/ packages of the project: event → render"},
		{"the event model imports runner", "event: internal/jsonscan runner",
			"the event model imports only internal/ packages of the project: event → runner"},
		{"the event model imports the comparison", "event: compare",
			"the event model imports only internal/ packages of the project: event → compare"},
		{"the comparison imports the history", "compare: event history",
			"the comparison imports only the event model and internal/ packages of the project: compare → history"},
		{"an output imports another", "render: compare event notify",
			"no output imports another output: render → notify"},
		{"an output imports another through an internal package", "internal/outfile: history",
			"no output imports another output: report → internal/outfile → history"},
		{"the history imports an output", "history: compare event report",
			"no output imports another output: history → report"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name, _, _ := strings.Cut(tc.added, ":")
			lines := slices.DeleteFunc(slices.Clone(allowed), func(l string) bool { return strings.HasPrefix(l, name+":") })
			v := boundaryViolations(module(append(lines, tc.added)...))
			if !slices.ContainsFunc(v, func(s string) bool { return strings.HasPrefix(s, tc.want) }) {
				t.Errorf("reported %q, want %q", v, tc.want)
			}
		})
	}
}
