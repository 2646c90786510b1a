package runner

import "testing"

func TestPlaybookArg(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"site.yml"}, "site.yml"},
		{[]string{"-i", "inv.yml", "site.yml"}, "site.yml"},
		{[]string{"--inventory", "inv.yml", "--limit", "web", "site.yml", "more.yml"}, "site.yml"},
		{[]string{"--inventory=inv.yml", "site.yml"}, "site.yml"},
		{[]string{"-iinv.yml", "-vvv", "site.yml"}, "site.yml"},
		{[]string{"-Ci", "inv.yml", "site.yml"}, "site.yml"},
		{[]string{"-ei=1", "site.yml"}, "site.yml"},
		{[]string{"-e", "x=1", "--check", "--diff", "site.yml"}, "site.yml"},
		{[]string{"--vault-id", "dev@prompt", "--", "-odd.yml"}, "-odd.yml"},
		{[]string{"--check", "-i", "inv"}, ""},
		{nil, ""},
	} {
		if got := playbookArg(tc.args); got != tc.want {
			t.Errorf("playbookArg(%q) = %q, want %q", tc.args, got, tc.want)
		}
	}
}
