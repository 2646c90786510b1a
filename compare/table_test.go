package compare

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/fleetstream"
)

// recordedStreams are every real recording of the repository: the
// fidelity matrix's, the stock callbacks', the reports' and the
// scenario's.
func recordedStreams(t *testing.T) []string {
	t.Helper()
	var paths []string
	for _, pattern := range []string{
		filepath.Join("..", "testdata", "streams", "*.jsonl"),
		filepath.Join("..", "testdata", "stock", "*.json*"),
		filepath.Join("..", "report", "testdata", "*.jsonl"),
		filepath.Join("testdata", "*.jsonl"),
	} {
		found, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range found {
			if !strings.HasSuffix(p, ".cmd") {
				paths = append(paths, p)
			}
		}
	}
	if len(paths) < 40 {
		t.Fatalf("only %d recordings found", len(paths))
	}
	return paths
}

// TestTableOfRecordings builds the table of every recorded run and checks
// it against the run's Summary keeping every result: each task's last
// result on each host, its status and message, each task's duration, and
// the recap.
func TestTableOfRecordings(t *testing.T) {
	for _, path := range recordedStreams(t) {
		t.Run(filepath.Base(filepath.Dir(path))+"/"+filepath.Base(path), func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			b := NewBuilder()
			d := event.NewDecoder(bytes.NewReader(data))
			s := event.NewSummary()
			s.KeepResults = true
			if err := event.Stream(d, s, b); err != nil {
				t.Fatal(err)
			}
			table := b.Table(s)
			if len(table.tasks) != len(s.Tasks) {
				t.Fatalf("%d tasks, the run has %d", len(table.tasks), len(s.Tasks))
			}
			for i, tr := range s.Tasks {
				tt := table.tasks[i]
				if tt.ref.Name != tr.Task.Name || tt.ref.Path != tr.Task.Path || tt.duration != tr.Duration() {
					t.Errorf("task %d: %+v (%v), the run's %+v (%v)", i, tt.ref, tt.duration, tr.Task, tr.Duration())
				}
				last := make(map[string]event.HostResult)
				for _, r := range tr.Results {
					last[r.Host] = r
				}
				ran := 0
				for h, c := range tt.cells {
					if c.status == notRun {
						continue
					}
					ran++
					r, ok := last[table.hosts[h]]
					if !ok || c.status.Status() != r.Status || c.noLog != r.NoLog {
						t.Errorf("task %q on %s: %+v, the run's last result %+v", tr.Task.Name, table.hosts[h], c, r)
					}
					if c.status.failing() && !r.NoLog && tt.messages[h] != r.Message {
						t.Errorf("task %q on %s: message %q, the run's %q", tr.Task.Name, table.hosts[h], tt.messages[h], r.Message)
					}
				}
				if ran != len(last) {
					t.Errorf("task %q: %d hosts ran it, the run's results name %d", tr.Task.Name, ran, len(last))
				}
			}
			for _, h := range s.RecapHosts() {
				if table.recap[h] != s.Recap(h) {
					t.Errorf("recap of %s: %+v, the run's %+v", h, table.recap[h], s.Recap(h))
				}
			}
			if table.Run.Outcome != s.Outcome() || table.Run.Hosts != len(s.RecapHosts()) || table.Run.Tasks != len(s.Tasks) {
				t.Errorf("run %+v", table.Run)
			}
		})
	}
}

// TestReadTableRefusesNoRun gives a clear error for a stream with no run.
func TestReadTableRefusesNoRun(t *testing.T) {
	for _, stream := range []string{"", "not an event\n", `{"some":"json"}` + "\n"} {
		if _, err := ReadTable(strings.NewReader(stream)); err == nil {
			t.Errorf("%q: no error", stream)
		}
	}
}

// TestTableMemory measures what a table of a long run holds: a run of
// 1,000 hosts and 50 tasks (50,000 results, about 100,000 events) built
// from the fleet recording. It must cost a few bytes a result, nothing
// per event: keeping each result's event would cost a hundred times as
// much.
func TestTableMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a long run")
	}
	stream := fleetRun(t, 1000, 50, 0)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	table, err := ReadTable(bytes.NewReader(stream))
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	results := 0
	for _, task := range table.tasks {
		for _, c := range task.cells {
			if c.status != notRun {
				results++
			}
		}
	}
	if results != 50_000 {
		t.Fatalf("%d results, want 50,000", results)
	}
	perResult := float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(results)
	t.Logf("the table of 50,000 results (%d MB of stream) holds %.1f bytes a result", len(stream)>>20, perResult)
	if perResult > 16 {
		t.Errorf("the table holds %.1f bytes a result; want at most 16", perResult)
	}
	runtime.KeepAlive(table)
	runtime.KeepAlive(stream)
}

// fleetRun builds a run of hosts x tasks from the real fleet recording
// (testdata/fleet), its hosts shifted by shift (fleetstream.Fleet).
func fleetRun(t testing.TB, hosts, tasks, shift int) []byte {
	t.Helper()
	recording, err := os.ReadFile(filepath.Join("..", "testdata", "fleet", "fleet.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := fleetstream.Parse(recording)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := s.WriteFleet(&b, fleetstream.Fleet{Hosts: hosts, Tasks: tasks, Shift: shift}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
