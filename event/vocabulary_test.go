package event

import (
	"fmt"
	"strings"
	"testing"
)

// Every spelling Ansible accepts for its own actions (add_internal_fqcns)
// names the same action; no other does.
func TestActions(t *testing.T) {
	for _, tc := range []struct {
		action        string
		short         string
		meta, include bool
	}{
		{"meta", "meta", true, false},
		{"ansible.builtin.meta", "meta", true, false},
		{"ansible.legacy.meta", "meta", true, false},
		{"community.general.meta", "community.general.meta", false, false},
		{"metadata", "metadata", false, false},
		{"include_tasks", "include_tasks", false, true},
		{"ansible.builtin.include_role", "include_role", false, true},
		{"ansible.legacy.include", "include", false, true},
		{"ansible.builtin.import_tasks", "import_tasks", false, false}, // static: no result of its own
		{"ansible.builtin.free", "free", false, false},
		{"ansible.legacy.debug", "debug", false, false},
		{"", "", false, false},
	} {
		if got := BuiltinName(tc.action); got != tc.short {
			t.Errorf("BuiltinName(%q) = %q, want %q", tc.action, got, tc.short)
		}
		if got := IsMetaAction(tc.action); got != tc.meta {
			t.Errorf("IsMetaAction(%q) = %v", tc.action, got)
		}
		if got := IsIncludeAction(tc.action); got != tc.include {
			t.Errorf("IsIncludeAction(%q) = %v", tc.action, got)
		}
	}
	if !IsAction("ansible.legacy.pause", "debug", "pause") || IsAction("pause") {
		t.Error("IsAction matches none of its names, or one it was not given")
	}
}

// The recap line that RecapStatuses and Count write is Ansible's: its
// words in its order, each with its own count.
func TestRecapStatusesCount(t *testing.T) {
	c := HostCounts{OK: 1, Changed: 2, Unreachable: 3, Failures: 4, Skipped: 5, Rescued: 6, Ignored: 7}
	var line []string
	for _, st := range RecapStatuses() {
		line = append(line, fmt.Sprintf("%s=%d", st, c.Count(st)))
	}
	if got, want := strings.Join(line, " "), "ok=1 changed=2 unreachable=3 failed=4 skipped=5 rescued=6 ignored=7"; got != want {
		t.Errorf("recap line %q, want %q", got, want)
	}
	if c.Count("fatal") != 0 {
		t.Error("an unknown status counts")
	}
	statuses := RecapStatuses()
	statuses[0] = StatusFailed
	if RecapStatuses()[0] != StatusOK {
		t.Error("RecapStatuses shares its list with its callers")
	}
	var sum HostCounts
	sum.Add(c)
	sum.Add(c)
	for _, st := range RecapStatuses() {
		if sum.Count(st) != 2*c.Count(st) {
			t.Errorf("Add: %s=%d, want %d", st, sum.Count(st), 2*c.Count(st))
		}
	}
}

// A host's outcome is its worst: unreachable, then failed, then changed.
func TestHostOutcome(t *testing.T) {
	for _, tc := range []struct {
		c    HostCounts
		want Outcome
	}{
		{HostCounts{}, OutcomeOK},
		{HostCounts{OK: 3, Skipped: 1, Ignored: 1, Rescued: 1}, OutcomeOK},
		{HostCounts{OK: 3, Changed: 1}, OutcomeChanged},
		{HostCounts{OK: 3, Changed: 1, Failures: 1}, OutcomeFailed},
		{HostCounts{Changed: 1, Failures: 1, Unreachable: 1}, OutcomeUnreachable},
	} {
		if got := tc.c.Outcome(); got != tc.want {
			t.Errorf("%+v: outcome %s, want %s", tc.c, got, tc.want)
		}
	}
	if got := fmt.Sprint(HostOutcomes()); got != "[unreachable failed changed ok]" {
		t.Errorf("HostOutcomes %s, want the worst first", got)
	}
	for _, o := range RunOutcomes() {
		if o.Succeeded() != (o == OutcomeOK || o == OutcomeChanged) {
			t.Errorf("%s: Succeeded %v", o, o.Succeeded())
		}
	}
}

// What became of a failure, its status, and whether it stopped its host.
func TestFailureFate(t *testing.T) {
	for _, tc := range []struct {
		f      Failure
		fate   Disposition
		status Status
		stops  bool
	}{
		{Failure{Disposition: Fatal}, Fatal, StatusFailed, true},
		{Failure{}, Fatal, StatusFailed, true},
		{Failure{Disposition: Ignored}, Ignored, StatusIgnored, false},
		{Failure{Disposition: Rescued}, Rescued, StatusRescued, false},
		{Failure{Unreachable: true}, Unreachable, StatusUnreachable, true},
	} {
		fate := tc.f.Fate()
		if fate != tc.fate || fate.Status() != tc.status || fate.Stops() != tc.stops || fate.Status().Stops() != tc.stops {
			t.Errorf("%+v: fate %s, status %s, stops %v; want %s, %s, %v",
				tc.f, fate, fate.Status(), fate.Stops(), tc.fate, tc.status, tc.stops)
		}
	}
}
