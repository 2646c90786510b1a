// Package golden compares what a test produced with a golden file, and
// rewrites the file instead when the test binary runs with -update, so that
// `go test ./... -update` regenerates every golden file of the module.
// Only tests import it: the flag exists in test binaries alone.
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Update is the -update flag: rewrite golden files (and, in the packages
// that record their inputs, record them again) instead of comparing.
var Update = flag.Bool("update", false, "rewrite the golden files instead of comparing with them")

// Check compares got with the golden file at path, or writes got there
// (creating its directory) with -update.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *Update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update to write it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("differs from %s (-want +got; run the test with -update to accept):\n%s", path, diff)
	}
}

// Streams are the event streams recorded from real runs of the fidelity
// matrix, testdata/streams/*.jsonl at the root of the module, seen from a
// package root directories below it (0 for the root package itself).
func Streams(t testing.TB, depth int) []string {
	t.Helper()
	dir := filepath.Join("testdata", "streams")
	for i := 0; i < depth; i++ {
		dir = filepath.Join("..", dir)
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no recorded streams in %s: %v", dir, err)
	}
	return paths
}
