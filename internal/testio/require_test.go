package testio

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// outcome records how a helper ended a test: Skip and Fatal end the
// goroutine, as testing.T's do, but not the test that checks the helper.
type outcome struct {
	testing.TB
	skipped, failed string
}

func (o *outcome) Helper()           {}
func (o *outcome) Skip(args ...any)  { o.skipped = args[0].(string); runtime.Goexit() }
func (o *outcome) Fatal(args ...any) { o.failed = args[0].(string); runtime.Goexit() }

// requireTool calls RequireTool on its own goroutine, which Skip and Fatal end.
func requireTool(o *outcome, names []string) string {
	done := make(chan string, 1)
	go func() {
		defer close(done)
		done <- RequireTool(o, names[0], names[1:]...)
	}()
	return <-done
}

func TestRequireTool(t *testing.T) {
	dir := t.TempDir()
	tool := filepath.Join(dir, "second-name")
	if err := os.WriteFile(tool, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir)
	tests := []struct {
		name                string
		ci                  string
		names               []string
		path                string
		skipped, failedWith string
	}{
		{"found under its first name", "", []string{"second-name"}, tool, "", ""},
		{"found under an alternative name", "true", []string{"first-name", "second-name"}, tool, "", ""},
		{"missing on a developer's machine", "", []string{"first-name"}, "", "first-name is not installed", ""},
		{"missing under CI", "true", []string{"first-name", "other-name"}, "", "", "first-name or other-name is not installed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CI", tt.ci)
			o := &outcome{}
			if got := requireTool(o, tt.names); got != tt.path {
				t.Errorf("path %q, want %q", got, tt.path)
			}
			if !strings.HasPrefix(o.skipped, tt.skipped) || (tt.skipped == "") != (o.skipped == "") {
				t.Errorf("skipped with %q, want %q", o.skipped, tt.skipped)
			}
			if !strings.HasPrefix(o.failed, tt.failedWith) || (tt.failedWith == "") != (o.failed == "") {
				t.Errorf("failed with %q, want %q", o.failed, tt.failedWith)
			}
			if tt.failedWith != "" && !strings.HasSuffix(o.failed, "under CI every test must run") {
				t.Errorf("the failure %q does not say why it is not a skip", o.failed)
			}
		})
	}
}
