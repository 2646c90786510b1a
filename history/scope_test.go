package history

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ansible-tap/ansible-tap/compare"
)

// TestListScope selects the runs of one scope, the runs that can be
// compared: each other run differs from the scope in one thing.
func TestListScope(t *testing.T) {
	forEachStore(t, func(t *testing.T, spec string) {
		s := openStore(t, spec, Options{})
		hosts := map[string]HostCounts{"web1": {OK: 3}}
		base := func(minutes int) *Run {
			return sampleRun(at(minutes), "/infra/site.yml", "ok", nil, hosts)
		}
		runs := map[string]*Run{}
		add := func(name string, minutes int, edit func(r *Run)) {
			r := base(minutes)
			edit(r)
			runs[name] = r
		}
		add("same-old", 0, func(*Run) {})
		add("other-playbook", 5, func(r *Run) { r.Playbooks = []string{"/elsewhere/site.yml"} })
		add("more-playbooks", 6, func(r *Run) { r.Playbooks = append(r.Playbooks, "/infra/db.yml") })
		add("other-inventory", 7, func(r *Run) { r.Inventories = []string{"inventory/stage.ini"} })
		add("inventories-reordered", 8, func(r *Run) { r.Inventories = []string{r.Inventories[1], r.Inventories[0]} })
		add("default-inventory", 9, func(r *Run) { r.Inventories = nil })
		add("other-limit", 10, func(r *Run) { r.Limit = "web1" })
		add("no-limit", 11, func(r *Run) { r.Limit = "" })
		add("not-check", 12, func(r *Run) { r.Check = false })
		add("same-labels-differ", 20, func(r *Run) { r.Labels = map[string]string{"env": "prod"}; r.Tags = nil })
		add("same-new", 30, func(*Run) {})
		names := make(map[string]string)
		for name, r := range runs {
			names[record(t, s, r, []byte(name+"\n")).ID] = name
		}
		scope := base(0).Scope()
		defaultInventory := base(0)
		defaultInventory.Inventories = nil
		for _, tc := range []struct {
			name   string
			filter Filter
			want   []string
		}{
			{"scope", Filter{Scope: &scope}, []string{"same-new", "same-labels-differ", "same-old"}},
			{"scope before", Filter{Scope: &scope, Before: at(30)}, []string{"same-labels-differ", "same-old"}},
			{"scope before, newest", Filter{Scope: &scope, Before: at(30), Limit: 1}, []string{"same-labels-differ"}},
			{"before the first", Filter{Scope: &scope, Before: at(0)}, nil},
			{"before alone", Filter{Before: at(7)}, []string{"more-playbooks", "other-playbook", "same-old"}},
			{"default inventory", Filter{Scope: new(defaultInventory.Scope())}, []string{"default-inventory"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if diff := cmp.Diff(tc.want, listNames(t, s, tc.filter, names), cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}
	})
}

// TestComparableFailed reads a run's failed results alone, in order, as
// its record holds them; none for a run without one, and ErrNotFound for
// a run not in the store.
func TestComparableFailed(t *testing.T) {
	forEachStore(t, func(t *testing.T, spec string) {
		ctx := context.Background()
		s := openStore(t, spec, Options{})
		failed := record(t, s, sampleRun(at(0), "/infra/site.yml", "failed", nil, map[string]HostCounts{"web2": {Failures: 1}}), nil)
		clean := sampleRun(at(1), "/infra/site.yml", "ok", nil, map[string]HostCounts{"web1": {OK: 1}})
		clean.FailedTasks = nil
		record(t, s, clean, nil)
		h := Comparable(s, failed)
		got, err := h.Failed(ctx, failed.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := []compare.FailedResult{
			{Task: "Install packages", TaskPath: "/home/deploy/infra/site.yml:14", Host: "web2", Disposition: "fatal"},
			{Task: "Probe", TaskPath: "/home/deploy/infra/site.yml:30", Host: "web1", Disposition: "ignored"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("failed results (-want +got):\n%s", diff)
		}
		if got, err := h.Failed(ctx, clean.ID); err != nil || len(got) != 0 {
			t.Errorf("a run without failures: %v (%v), want none", got, err)
		}
		if _, err := h.Failed(ctx, "0000000000zz"); !errors.Is(err, ErrNotFound) {
			t.Errorf("a run not in the store: %v, want ErrNotFound", err)
		}
	})
}
