// Package scenario is the scenario of runs that the comparison of runs is
// tested on: a playbook in two versions (compare/testdata/scenario), run in
// four phases whose hosts fail, recover and change between runs. Only tests
// import it.
package scenario

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Phase is one run of the scenario: the versions of the playbook and the
// inventory it runs, and the hosts' state before it (testdata/scenario
// holds the versions; the playbook reads the state from state/ beside
// it).
type Phase struct {
	Name      string
	Playbook  string // the version copied to site.yml
	Inventory string // the version copied to inventory.ini
	Ready     []string
	Broken    []string
	Conf      string // state/conf.src, which the playbook writes to HOST.conf
	Delay     string // state/delay: the seconds "Wait for the cache" sleeps
}

// Phases are the scenario's runs, in order: every host ready; web2 and
// web4 not ready, twice (the second run is the baseline); then the edited
// playbook (a task added at the top, one removed) on an inventory without
// web3, with web2 ready (fixed), web1 broken (a new failure), a new
// configuration (changed, where it was ok) and a slow cache (4 s, where a
// machine under load takes under 2.7 s for the "sleep 0" before it: at
// least 1.5x and 1 s slower); web4 still
// fails, since the first run it failed in.
var Phases = []Phase{
	{Name: "before", Playbook: "site.v1.yml", Inventory: "inventory.v1.ini",
		Ready: []string{"web1", "web2", "web3", "web4"}, Conf: "one", Delay: "0"},
	{Name: "failing", Playbook: "site.v1.yml", Inventory: "inventory.v1.ini",
		Ready: []string{"web1", "web3"}, Conf: "one", Delay: "0"},
	{Name: "base", Playbook: "site.v1.yml", Inventory: "inventory.v1.ini",
		Ready: []string{"web1", "web3"}, Conf: "one", Delay: "0"},
	{Name: "run", Playbook: "site.v2.yml", Inventory: "inventory.v2.ini",
		Ready: []string{"web1", "web2", "web3"}, Broken: []string{"web1"}, Conf: "two", Delay: "4"},
}

// PhaseNamed is the scenario's phase of that name.
func PhaseNamed(t testing.TB, name string) Phase {
	for _, p := range Phases {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no phase %q", name)
	return Phase{}
}

// Dir prepares dir for the scenario's runs: the playbook's
// versions (from compare/testdata/scenario; root is the module's root seen
// from the test's package) and a state in which every host's
// configuration is already written, as the first run writes it.
func Dir(t testing.TB, root, dir string) {
	t.Helper()
	source, err := filepath.Abs(filepath.Join(root, "compare", "testdata", "scenario"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"site.v1.yml", "site.v2.yml", "inventory.v1.ini", "inventory.v2.ini"} {
		if dir == source {
			break // the recordings run where the versions are
		}
		data, err := os.ReadFile(filepath.Join(source, name))
		if err != nil {
			t.Fatal(err)
		}
		WriteFile(t, filepath.Join(dir, name), data)
	}
	state := filepath.Join(dir, "state")
	if err := os.RemoveAll(state); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(state, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"web1", "web2", "web3", "web4"} {
		WriteFile(t, filepath.Join(state, h+".conf"), []byte(Phases[0].Conf+"\n"))
	}
}

// Prepare puts the phase's playbook, inventory and state in place in dir
// and returns ansible-playbook's arguments, relative to dir.
func (p Phase) Prepare(t testing.TB, dir string) []string {
	t.Helper()
	for from, to := range map[string]string{p.Playbook: "site.yml", p.Inventory: "inventory.ini"} {
		data, err := os.ReadFile(filepath.Join(dir, from))
		if err != nil {
			t.Fatal(err)
		}
		WriteFile(t, filepath.Join(dir, to), data)
	}
	state := filepath.Join(dir, "state")
	for _, pattern := range []string{"*.ready", "*.broken"} {
		old, _ := filepath.Glob(filepath.Join(state, pattern))
		for _, f := range old {
			if err := os.Remove(f); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, h := range p.Ready {
		WriteFile(t, filepath.Join(state, h+".ready"), nil)
	}
	for _, h := range p.Broken {
		WriteFile(t, filepath.Join(state, h+".broken"), nil)
	}
	WriteFile(t, filepath.Join(state, "conf.src"), []byte(p.Conf))
	WriteFile(t, filepath.Join(state, "delay"), []byte(p.Delay))
	return []string{"-i", "inventory.ini", "site.yml"}
}

// Command is how the phase's run is made again by hand, for its .cmd file.
func (p Phase) Command(dir string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "cd %s && cp %s site.yml && cp %s inventory.ini", dir, p.Playbook, p.Inventory)
	b.WriteString(" && rm -f state/*.ready state/*.broken")
	for _, h := range p.Ready {
		fmt.Fprintf(&b, " && touch state/%s.ready", h)
	}
	for _, h := range p.Broken {
		fmt.Fprintf(&b, " && touch state/%s.broken", h)
	}
	fmt.Fprintf(&b, " && printf %s > state/conf.src && printf %s > state/delay", p.Conf, p.Delay)
	b.WriteString(" && ansible-playbook -i inventory.ini site.yml\n")
	b.WriteString("# after: mkdir state && for h in web1 web2 web3 web4; do echo one > state/$h.conf; done; the phases before it, in order\n")
	return b.String()
}

// Clean removes what the runs left in dir: the copies and the state.
func Clean(t testing.TB, dir string) {
	t.Helper()
	for _, name := range []string{"site.yml", "inventory.ini", "state"} {
		if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
}

// WriteFile writes data to path (mode 0644), failing t if it cannot.
func WriteFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
