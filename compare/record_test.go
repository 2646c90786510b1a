package compare

import (
	"bytes"
	"context"
	"flag"
	"io"
	"path/filepath"
	"testing"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/internal/scenario"
	"github.com/ansible-tap/ansible-tap/runner"
)

var record = flag.Bool("record", false, "run the scenario's playbooks again and rewrite testdata/*.jsonl and *.cmd")

// runPhase runs a phase of the scenario in dir with the real
// ansible-playbook and returns its events file. The only use of the
// process side of runner in this package: its tests read streams.
func runPhase(t testing.TB, dir string, p scenario.Phase) []byte {
	t.Helper()
	args := p.Prepare(t, dir)
	for i, a := range args {
		if a == "site.yml" || a == "inventory.ini" {
			args[i] = filepath.Join(dir, a)
		}
	}
	var events bytes.Buffer
	_, err := runner.Run(context.Background(), runner.Options{
		Command: "ansible-playbook", Args: args,
		Stdout: io.Discard, Stderr: io.Discard, Text: io.Discard,
		EventsFile: &events, Log: zerolog.Nop(),
	})
	if err != nil {
		t.Fatal(err)
	}
	return events.Bytes()
}

// TestRecord runs the scenario's phases with -record, in
// testdata/scenario, and writes testdata/PHASE.jsonl (the events file)
// and testdata/PHASE.cmd (how to run it again by hand).
func TestRecord(t *testing.T) {
	if !*record {
		t.Skip("recording only with -record")
	}
	needAnsible(t)
	dir, err := filepath.Abs(filepath.Join("testdata", "scenario"))
	if err != nil {
		t.Fatal(err)
	}
	scenario.Dir(t, "..", dir)
	defer scenario.Clean(t, dir)
	for _, p := range scenario.Phases {
		stream := runPhase(t, dir, p)
		scenario.WriteFile(t, filepath.Join("testdata", p.Name+".jsonl"), stream)
		scenario.WriteFile(t, filepath.Join("testdata", p.Name+".cmd"), []byte(p.Command(dir)))
	}
}

// runScenario runs the named phases of the scenario, in order, in dir
// with the real ansible-playbook, and returns their events files.
func runScenario(t testing.TB, dir string, names ...string) map[string][]byte {
	t.Helper()
	scenario.Dir(t, "..", dir)
	streams := make(map[string][]byte)
	for _, name := range names {
		streams[name] = runPhase(t, dir, scenario.PhaseNamed(t, name))
	}
	return streams
}
