package testio

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Missing ends a test that this machine cannot run, for the reason given
// (a tool that is not installed, no root, a kernel feature): the test is
// skipped on a developer's machine, and fails under CI, where every test
// must run.
func Missing(t testing.TB, reason string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatal(reason + "; under CI every test must run")
	}
	t.Skip(reason)
}

// RequireTool returns the path of the program name, the first on the PATH
// (scripts/test.sh puts another ansible-core first to run the tests on it),
// or of the first of its alternative names found. Without any, the test is
// skipped, and fails under CI (see Missing).
func RequireTool(t testing.TB, name string, alternatives ...string) string {
	t.Helper()
	names := append([]string{name}, alternatives...)
	for _, n := range names {
		if path, err := exec.LookPath(n); err == nil {
			return path
		}
	}
	Missing(t, strings.Join(names, " or ")+" is not installed (scripts/setup.sh installs the tools the tests need)")
	return ""
}

// RequireRoot skips a test that makes device nodes unless it runs as root,
// as the tests do in CI, where it fails instead (see Missing).
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		Missing(t, "making device nodes needs root")
	}
}
