package compare

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// phase is one run of the scenario: the versions of the playbook and the
// inventory it runs, and the hosts' state before it (testdata/scenario
// holds the versions; the playbook reads the state from state/ beside
// it).
type phase struct {
	name      string
	playbook  string // the version copied to site.yml
	inventory string // the version copied to inventory.ini
	ready     []string
	broken    []string
	conf      string // state/conf.src, which the playbook writes to HOST.conf
	delay     string // state/delay: the seconds "Wait for the cache" sleeps
}

// phases are the scenario's runs, in order: every host ready; web2 and
// web4 not ready, twice (the second run is the baseline); then the edited
// playbook (a task added at the top, one removed) on an inventory without
// web3, with web2 ready (fixed), web1 broken (a new failure), a new
// configuration (changed, where it was ok) and a slow cache (4 s, where a
// machine under load takes under 2.7 s for the "sleep 0" before it: at
// least 1.5x and 1 s slower); web4 still
// fails, since the first run it failed in.
var phases = []phase{
	{name: "before", playbook: "site.v1.yml", inventory: "inventory.v1.ini",
		ready: []string{"web1", "web2", "web3", "web4"}, conf: "one", delay: "0"},
	{name: "failing", playbook: "site.v1.yml", inventory: "inventory.v1.ini",
		ready: []string{"web1", "web3"}, conf: "one", delay: "0"},
	{name: "base", playbook: "site.v1.yml", inventory: "inventory.v1.ini",
		ready: []string{"web1", "web3"}, conf: "one", delay: "0"},
	{name: "run", playbook: "site.v2.yml", inventory: "inventory.v2.ini",
		ready: []string{"web1", "web2", "web3"}, broken: []string{"web1"}, conf: "two", delay: "4"},
}

func phaseNamed(t testing.TB, name string) phase {
	for _, p := range phases {
		if p.name == name {
			return p
		}
	}
	t.Fatalf("no phase %q", name)
	return phase{}
}

// scenarioDir prepares dir for the scenario's runs: the playbook's
// versions and a state in which every host's configuration is already
// written, as the first run writes it.
func scenarioDir(t testing.TB, dir string) {
	t.Helper()
	source, err := filepath.Abs(filepath.Join("testdata", "scenario"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"site.v1.yml", "site.v2.yml", "inventory.v1.ini", "inventory.v2.ini"} {
		if dir == source {
			break // the recordings run where the versions are
		}
		data, err := os.ReadFile(filepath.Join("testdata", "scenario", name))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, name), data)
	}
	state := filepath.Join(dir, "state")
	if err := os.RemoveAll(state); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(state, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"web1", "web2", "web3", "web4"} {
		writeFile(t, filepath.Join(state, h+".conf"), []byte(phases[0].conf+"\n"))
	}
}

// prepare puts the phase's playbook, inventory and state in place in dir
// and returns ansible-playbook's arguments, relative to dir.
func (p phase) prepare(t testing.TB, dir string) []string {
	t.Helper()
	for from, to := range map[string]string{p.playbook: "site.yml", p.inventory: "inventory.ini"} {
		data, err := os.ReadFile(filepath.Join(dir, from))
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, to), data)
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
	for _, h := range p.ready {
		writeFile(t, filepath.Join(state, h+".ready"), nil)
	}
	for _, h := range p.broken {
		writeFile(t, filepath.Join(state, h+".broken"), nil)
	}
	writeFile(t, filepath.Join(state, "conf.src"), []byte(p.conf))
	writeFile(t, filepath.Join(state, "delay"), []byte(p.delay))
	return []string{"-i", "inventory.ini", "site.yml"}
}

// command is how the phase's run is made again by hand, for its .cmd file.
func (p phase) command(dir string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "cd %s && cp %s site.yml && cp %s inventory.ini", dir, p.playbook, p.inventory)
	b.WriteString(" && rm -f state/*.ready state/*.broken")
	for _, h := range p.ready {
		fmt.Fprintf(&b, " && touch state/%s.ready", h)
	}
	for _, h := range p.broken {
		fmt.Fprintf(&b, " && touch state/%s.broken", h)
	}
	fmt.Fprintf(&b, " && printf %s > state/conf.src && printf %s > state/delay", p.conf, p.delay)
	b.WriteString(" && ansible-playbook -i inventory.ini site.yml\n")
	b.WriteString("# after: mkdir state && for h in web1 web2 web3 web4; do echo one > state/$h.conf; done; the phases before it, in order\n")
	return b.String()
}

// cleanScenario removes what the runs left in dir: the copies and the state.
func cleanScenario(t testing.TB, dir string) {
	t.Helper()
	for _, name := range []string{"site.yml", "inventory.ini", "state"} {
		if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
}

func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// recording returns the recorded stream of a phase, testdata/NAME.jsonl.
func recording(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// recordedTable reads the table of a recorded phase.
func recordedTable(t testing.TB, name string) *Table {
	t.Helper()
	table, err := ReadTable(bytes.NewReader(recording(t, name)))
	if err != nil {
		t.Fatal(err)
	}
	return table
}

// cutBeforeStats is a recording cut before Ansible's stats, as a run that
// was interrupted leaves its stream (its last task whole).
func cutBeforeStats(t testing.TB, stream []byte) []byte {
	t.Helper()
	i := bytes.Index(stream, []byte(`"_event":"v2_playbook_on_stats"`))
	if i < 0 {
		t.Fatal("the recording has no stats")
	}
	return stream[:bytes.LastIndexByte(stream[:i], '\n')+1]
}

// needAnsible skips a test without ansible-playbook, and fails it under CI,
// where every test must run.
func needAnsible(t testing.TB) {
	t.Helper()
	if _, err := exec.LookPath("ansible-playbook"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("ansible-playbook is not installed; under CI every test must run (scripts/setup.sh installs it)")
		}
		t.Skip("ansible-playbook is not installed")
	}
}
