package compare

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

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
