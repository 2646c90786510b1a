package history

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestListScope selects the runs of one scope, the runs that can be
// compared: each other run differs from the scope in one thing.
func TestListScope(t *testing.T) {
	forEachStore(t, func(t *testing.T, spec string) {
		ctx := context.Background()
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
				got, err := s.List(ctx, tc.filter)
				if err != nil {
					t.Fatal(err)
				}
				var gotNames []string
				for _, r := range got {
					gotNames = append(gotNames, names[r.ID])
				}
				if diff := cmp.Diff(tc.want, gotNames, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("(-want +got):\n%s", diff)
				}
			})
		}
	})
}
