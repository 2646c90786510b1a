package ansibleargs

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want Args
	}{
		{[]string{"site.yml"}, Args{Playbooks: []string{"site.yml"}}},
		{[]string{"-i", "inv.yml", "site.yml"}, Args{Playbooks: []string{"site.yml"}, Inventories: []string{"inv.yml"}}},
		{[]string{"--inventory", "inv.yml", "--limit", "web", "site.yml", "more.yml"},
			Args{Playbooks: []string{"site.yml", "more.yml"}, Inventories: []string{"inv.yml"}, Limit: "web"}},
		{[]string{"--inventory=inv.yml", "site.yml"}, Args{Playbooks: []string{"site.yml"}, Inventories: []string{"inv.yml"}}},
		{[]string{"-iinv.yml", "-vvv", "site.yml"}, Args{Playbooks: []string{"site.yml"}, Inventories: []string{"inv.yml"}}},
		{[]string{"-Ci", "inv.yml", "site.yml"}, Args{Playbooks: []string{"site.yml"}, Inventories: []string{"inv.yml"}, Check: true}},
		{[]string{"-ei=1", "site.yml"}, Args{Playbooks: []string{"site.yml"}}},
		{[]string{"-e", "x=1", "--check", "--diff", "site.yml"}, Args{Playbooks: []string{"site.yml"}, Check: true}},
		{[]string{"--vault-id", "dev@prompt", "--", "-odd.yml", "--check"}, Args{Playbooks: []string{"-odd.yml", "--check"}}},
		{[]string{"--check", "-i", "inv"}, Args{Inventories: []string{"inv"}, Check: true}},
		{[]string{"-i", "a.yml", "--inventory-file", "b.yml", "-i", "web1,web2,", "-l", "web", "--limit=db", "p.yml"},
			Args{Playbooks: []string{"p.yml"}, Inventories: []string{"a.yml", "b.yml", "web1,web2,"}, Limit: "db"}},
		{[]string{"-t", "a,b", "--tags=c", "-tb", "--skip-tags", "x, y", "p.yml"},
			Args{Playbooks: []string{"p.yml"}, Tags: []string{"a", "b", "c"}, SkipTags: []string{"x", "y"}}},
		{[]string{"-vC", "p.yml"}, Args{Playbooks: []string{"p.yml"}, Check: true}},
		{[]string{"p.yml", "-l"}, Args{Playbooks: []string{"p.yml"}}},
		{nil, Args{}},
	} {
		if diff := cmp.Diff(tc.want, Parse(tc.args), cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("Parse(%q) (-want +got):\n%s", tc.args, diff)
		}
	}
}
