package history

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"
)

// TestSetOutcome fills a record from the Summary of a real run with every
// kind of failure (report's mixed recording: an unreachable host, fatal,
// ignored and rescued failures, one under no_log), and reads it back from
// each store.
func TestSetOutcome(t *testing.T) {
	stream, err := os.ReadFile(filepath.Join("..", "report", "testdata", "mixed.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := event.Replay(bytes.NewReader(stream), event.Discard, io.Discard, zerolog.Nop())
	if err != nil {
		t.Fatal(err)
	}
	var run Run
	run.SetOutcome(s)
	if run.ExitCode != 4 || run.Outcome != "failed" || run.Interrupted || run.Events != int64(s.Events) || run.AnsibleVersion != "2.14.18" {
		t.Errorf("exit code %d, outcome %q, interrupted %v, %d events, ansible-core %q; want 4, failed, false, %d, 2.14.18",
			run.ExitCode, run.Outcome, run.Interrupted, run.Events, run.AnsibleVersion, s.Events)
	}
	if !run.Start.Equal(s.Start) || !run.End.Equal(s.End) || run.Duration != s.Duration() || run.Duration <= 0 {
		t.Errorf("times %v to %v (%v), the run's %v to %v", run.Start, run.End, run.Duration, s.Start, s.End)
	}
	wantHosts := map[string]HostCounts{
		"alpha":       {OK: 8, Changed: 1, Failures: 1, Skipped: 1, Rescued: 1, Ignored: 1},
		"beta":        {OK: 8, Changed: 1, Failures: 1, Skipped: 2, Rescued: 1, Ignored: 1},
		"unreachable": {Unreachable: 1},
	}
	if diff := cmp.Diff(wantHosts, run.Hosts); diff != "" {
		t.Errorf("hosts (-want +got):\n%s", diff)
	}
	if want := (HostStates{Failed: 2, Unreachable: 1}); run.HostStates != want {
		t.Errorf("host states %+v, want %+v", run.HostStates, want)
	}
	counts := map[event.Disposition]int{}
	for _, f := range run.FailedTasks {
		counts[f.Disposition]++
		if f.Task == "" || !strings.Contains(f.TaskPath, "mixed.yml:") || f.Play == "" || f.Host == "" {
			t.Errorf("failed task %+v lacks its task, path, play or host", f)
		}
	}
	if want := map[event.Disposition]int{"unreachable": 1, "fatal": 2, "ignored": 2, "rescued": 2}; !cmp.Equal(counts, want) {
		t.Errorf("dispositions %v, want %v", counts, want)
	}
	forEachStore(t, func(t *testing.T, spec string) {
		st := openStore(t, spec, Options{})
		stored := run
		record(t, st, &stored, stream)
		got, err := st.Get(context.Background(), stored.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(run.FailedTasks, got.FailedTasks); diff != "" {
			t.Errorf("failed tasks read back (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(run.Hosts, got.Hosts); diff != "" {
			t.Errorf("hosts read back (-want +got):\n%s", diff)
		}
	})
}
