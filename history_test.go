package main

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ansible-tap/ansible-tap/internal/pgtest"
	"github.com/ansible-tap/ansible-tap/internal/scenario"
	"github.com/ansible-tap/ansible-tap/internal/testio"
)

// historyStores are the two run stores, each as --history names it: every
// test of the history runs against both.
var historyStores = []struct {
	name string
	spec func(t testing.TB) string
}{
	{"sqlite", func(t testing.TB) string { return filepath.Join(t.TempDir(), "history") }},
	{"postgres", func(t testing.TB) string { return pgtest.Database(t) }},
}

// The history as a user meets it: two real runs of a playbook recorded by
// the ansible-tap command itself, where the second fails a task that
// passed, fixes one that failed, changes a file that was unchanged, drops
// a host and slows a task; then `ansible-tap history` lists and filters
// them, `replay last` replays the second, and `diff` reports exactly those
// changes in every format, and exits 1 with --exit-code.
func TestHistoryOfLiveRuns(t *testing.T) {
	testio.RequireTool(t, "ansible-playbook")
	tap := buildTap(t)
	for _, store := range historyStores {
		t.Run(store.name, func(t *testing.T) {
			spec := store.spec(t)
			dir := t.TempDir()
			scenario.Dir(t, ".", dir)
			env := append(os.Environ(), "ANSIBLE_TAP_HISTORY="+spec, "ANSIBLE_NOCOLOR=1")
			var live commandOutput
			for _, name := range []string{"base", "run"} {
				args := scenario.PhaseNamed(t, name).Prepare(t, dir)
				live = runIn(t, dir, env, tap, append(args, "--label", "team=web")...)
				if live.code != 2 {
					t.Fatalf("phase %s exits %d, want 2 (failed hosts):\n%s", name, live.code, live.stderr)
				}
			}
			if !strings.Contains(live.stdout, "Compared with run ") || !strings.Contains(live.stdout, "1 new failure, 1 fixed, 3 tasks changed that were ok") {
				t.Errorf("the second run's summary does not compare it with the first:\n%s", live.stdout)
			}
			checkHistoryListing(t, tap, dir, env)
			checkDiff(t, tap, dir, env)
			replayed := runIn(t, dir, env, tap, "replay", "last", "--format=jsonl")
			if replayed.code != 2 || !strings.Contains(replayed.stdout, `"event_type":"run_end"`) {
				t.Errorf("replay last exits %d:\n%s\n%s", replayed.code, replayed.stdout, replayed.stderr)
			}
		})
	}
}

// runIn runs the ansible-tap command in dir.
func runIn(t *testing.T, dir string, env []string, tap string, args ...string) commandOutput {
	t.Helper()
	return runCommandIn(t, dir, env, tap, args...)
}

// checkHistoryListing lists the two runs, with each filter.
func checkHistoryListing(t *testing.T, tap, dir string, env []string) {
	t.Helper()
	for _, tc := range []struct {
		args []string
		want int
	}{
		{nil, 2},
		{[]string{"--label", "team=web"}, 2},
		{[]string{"--label", "team=db"}, 0},
		{[]string{"--host", "web3"}, 1}, // the second run dropped web3
		{[]string{"--outcome", "failed"}, 2},
		{[]string{"--outcome", "ok"}, 0},
		{[]string{"--playbook", "site.yml"}, 2},
		{[]string{"--since", "1h"}, 2},
		{[]string{"--limit", "1"}, 1},
	} {
		out := runIn(t, dir, env, tap, append([]string{"history", "--format=jsonl"}, tc.args...)...)
		if out.code != 0 {
			t.Errorf("history %v exits %d: %s", tc.args, out.code, out.stderr)
			continue
		}
		if got := len(nonEmpty(out.stdout)); got != tc.want {
			t.Errorf("history %v lists %d runs, want %d:\n%s", tc.args, got, tc.want, out.stdout)
		}
	}
	table := runIn(t, dir, env, tap, "history")
	if lines := nonEmpty(table.stdout); len(lines) != 3 || !strings.HasPrefix(lines[0], "ID ") || !strings.Contains(lines[1], "team=web") {
		t.Errorf("history's table:\n%s", table.stdout)
	}
}

// checkDiff compares the two runs in every format.
func checkDiff(t *testing.T, tap, dir string, env []string) {
	t.Helper()
	out := runIn(t, dir, env, tap, "diff", "--format=jsonl")
	if out.code != 0 {
		t.Fatalf("diff exits %d: %s", out.code, out.stderr)
	}
	var found []string
	sc := bufio.NewScanner(strings.NewReader(out.stdout))
	for sc.Scan() {
		var f struct{ Type, Task, Host string }
		if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
			t.Fatalf("diff --format=jsonl: %v: %s", err, sc.Text())
		}
		switch f.Type {
		case "new_failure", "fixed", "still_failing", "not_idempotent":
			found = append(found, f.Type+" "+f.Task+"/"+f.Host)
		case "host_removed", "host_added":
			found = append(found, f.Type+" "+f.Host)
		case "task_added", "task_removed":
			found = append(found, f.Type+" "+f.Task)
		}
	}
	slices.Sort(found)
	want := []string{
		"fixed Check the service is ready/web2",
		"host_removed web3",
		"new_failure Check nothing is broken/web1",
		"not_idempotent Write the configuration/web1",
		"not_idempotent Write the configuration/web2",
		"not_idempotent Write the configuration/web4",
		"still_failing Check the service is ready/web4",
		"task_added Say hello",
		"task_removed Tidy the old release",
	}
	if !slices.Equal(found, want) {
		t.Errorf("diff found\n%s\nwant\n%s", strings.Join(found, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(out.stdout, `"type":"slower"`) || !strings.Contains(out.stdout, "Wait for the cache") {
		t.Errorf("diff does not report the slower task:\n%s", out.stdout)
	}
	for format, marks := range map[string][]string{
		"compact":  {"Check nothing is broken", "web3", "Wait for the cache"},
		"markdown": {"## ", "| New failures |", "Check nothing is broken"},
		"html":     {"<!DOCTYPE html>", "Check nothing is broken"},
	} {
		out := runIn(t, dir, env, tap, "diff", "--format="+format)
		for _, m := range marks {
			if out.code != 0 || !strings.Contains(out.stdout, m) {
				t.Errorf("diff --format=%s (exit %d) lacks %q:\n%.2000s", format, out.code, m, out.stdout)
			}
		}
	}
	if gate := runIn(t, dir, env, tap, "diff", "--exit-code"); gate.code != 1 {
		t.Errorf("diff --exit-code exits %d with regressions, want 1", gate.code)
	}
	if same := runIn(t, dir, env, tap, "diff", "--exit-code", "last", "last"); same.code != 0 {
		t.Errorf("diff --exit-code of a run with itself exits %d, want 0: %s", same.code, same.stderr)
	}
}

// nonEmpty are the lines of s that hold something.
func nonEmpty(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// A store that cannot be written (a path through a file, a PostgreSQL
// that refuses connections) never fails the run: it exits as
// ansible-playbook does, with one warning line; a store that works keeps
// what prune leaves of it.
func TestHistoryThatCannotBeWritten(t *testing.T) {
	testio.RequireTool(t, "ansible-playbook")
	tap := buildTap(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"-i", filepath.Join("testdata", "inventory", "local.ini"), filepath.Join("testdata", "playbooks", "basic.yml")}
	for name, spec := range map[string]string{
		"a path through a file": filepath.Join(file, "history"),
		"a refused connection":  "postgres://tap:s3cret@127.0.0.1:1/history",
	} {
		t.Run(name, func(t *testing.T) {
			out := runCommand(t, append(os.Environ(), "ANSIBLE_TAP_HISTORY="+spec), tap, args...)
			if out.code != 0 {
				t.Errorf("exit code %d, want the run's 0:\n%s", out.code, out.stderr)
			}
			lines := nonEmpty(out.stderr)
			if len(lines) != 1 || !strings.Contains(lines[0], "not recorded in the history") || strings.Contains(out.stderr, "s3cret") {
				t.Errorf("want one warning line without the password, got:\n%s", out.stderr)
			}
			if strings.Contains(out.stderr, "history: history:") {
				t.Errorf("the warning names the history twice:\n%s", out.stderr)
			}
		})
	}
	t.Run("prune", func(t *testing.T) {
		env := append(os.Environ(), "ANSIBLE_TAP_HISTORY="+filepath.Join(dir, "history"))
		for range 2 {
			if out := runCommand(t, env, tap, args...); out.code != 0 {
				t.Fatalf("exit %d: %s", out.code, out.stderr)
			}
		}
		pruned := runCommand(t, env, tap, "history", "prune", "--keep", "1")
		if pruned.code != 0 || !strings.HasPrefix(pruned.stdout, "pruned 1 runs") {
			t.Errorf("prune --keep 1: exit %d: %s%s", pruned.code, pruned.stdout, pruned.stderr)
		}
		if list := runCommand(t, env, tap, "history", "--format=jsonl"); len(nonEmpty(list.stdout)) != 1 {
			t.Errorf("after prune --keep 1 the history lists:\n%s", list.stdout)
		}
	})
}
