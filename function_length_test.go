package main

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// maxFunctionLines is the longest a function of the product may be: a
// longer one does several things, each of which wants a name.
const maxFunctionLines = 80

// TestNoLongFunctions reads every Go file of the module but its tests and
// test data, and names each function longer than maxFunctionLines lines.
func TestNoLongFunctions(t *testing.T) {
	long, err := longFunctions(".", maxFunctionLines)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range long {
		t.Errorf("%s: split it into functions of at most %d lines", f, maxFunctionLines)
	}
}

// longFunctions lists the functions of the Go files under root (not
// tests, not testdata) longer than limit lines, as "file:line name (N lines)".
func longFunctions(root string, limit int) ([]string, error) {
	var long []string
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			start, end := fset.Position(fn.Pos()), fset.Position(fn.End())
			if n := end.Line - start.Line + 1; n > limit {
				long = append(long, fmt.Sprintf("%s:%d %s (%d lines)", path, start.Line, fn.Name.Name, n))
			}
		}
		return nil
	})
	return long, err
}

// The check finds a function over the limit, and only that one.
func TestLongFunctionsAreFound(t *testing.T) {
	dir := t.TempDir()
	body := strings.Repeat("\t_ = 0\n", 5)
	src := "package p\n\nfunc short() {\n" + body + "}\n\nfunc long() {\n" + body + body + "}\n"
	if err := os.WriteFile(filepath.Join(dir, "p.go"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "p_test.go"), []byte("package p\n\nfunc longTest() {\n"+body+body+"}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	long, err := longFunctions(dir, 8)
	if err != nil {
		t.Fatal(err)
	}
	if len(long) != 1 || !strings.Contains(long[0], " long (12 lines)") {
		t.Errorf("found %q, want the one long function of 12 lines", long)
	}
}
