package history

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/testio"
)

// listedRuns is the number of runs BenchmarkList lists.
const listedRuns = 10_000

var (
	seededMu sync.Mutex
	seeded   = map[string]string{} // store kind → the spec of a store with listedRuns runs
	// benchDirs are the directories of the seeded stores.
	benchDirs []string
)

// seededStore returns the spec of a store of kind holding listedRuns runs
// of 4 hosts, 2 labels and 2 failed tasks each, made once per test binary.
func seededStore(b *testing.B, kind storeKind) string {
	seededMu.Lock()
	defer seededMu.Unlock()
	spec, ok := seeded[kind.name]
	if !ok {
		switch kind.name {
		case "sqlite":
			// Kept for the benchmark's later rounds: removed by TestMain.
			dir, err := os.MkdirTemp("", "history-bench-")
			if err != nil {
				b.Fatal(err)
			}
			benchDirs = append(benchDirs, dir)
			spec = filepath.Join(dir, "h")
		default:
			spec = kind.spec(b)
		}
		s := openStore(b, spec, Options{})
		x := indexOf(s)
		ctx := context.Background()
		tx, err := x.db.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		hosts := map[string]HostCounts{"web1": {OK: 9, Changed: 2}, "web2": {OK: 9}, "db1": {OK: 4, Failures: 1}, "db2": {Unreachable: 1}}
		for i := range listedRuns {
			r := sampleRun(at(i), fmt.Sprintf("/infra/playbook%d.yml", i%20), []event.Outcome{"ok", "changed", "failed"}[i%3],
				map[string]string{"env": []string{"prod", "stage"}[i%2], "team": fmt.Sprintf("team%d", i%7)}, hosts)
			r.ID = newID(r.Start)
			r.HostStates = StatesOf(hosts)
			if _, err := x.insertRun(ctx, tx, r); err != nil {
				b.Fatal(err)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		seeded[kind.name] = spec
	}
	return spec
}

// BenchmarkList lists 10,000 runs, newest first: all of them, as a table,
// and those with a label.
func BenchmarkList(b *testing.B) {
	ctx := context.Background()
	for _, kind := range storeKinds {
		b.Run(kind.name, func(b *testing.B) {
			spec := seededStore(b, kind)
			s := openStore(b, spec, Options{})
			b.Run("all", func(b *testing.B) {
				defer testio.ReportCPU(b)()
				for b.Loop() {
					runs, err := s.List(ctx, Filter{})
					if err != nil || len(runs) != listedRuns {
						b.Fatalf("%d runs, %v", len(runs), err)
					}
				}
			})
			b.Run("open-list-close", func(b *testing.B) {
				// What `ansible-tap history` does in a new process.
				defer testio.ReportCPU(b)()
				for b.Loop() {
					s, err := Open(ctx, spec, Options{})
					if err != nil {
						b.Fatal(err)
					}
					runs, err := s.List(ctx, Filter{})
					if err != nil || len(runs) != listedRuns {
						b.Fatalf("%d runs, %v", len(runs), err)
					}
					s.Close()
				}
			})
			b.Run("table", func(b *testing.B) {
				defer testio.ReportCPU(b)()
				for b.Loop() {
					runs, err := s.List(ctx, Filter{})
					if err != nil {
						b.Fatal(err)
					}
					if err := WriteTable(io.Discard, runs); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("label", func(b *testing.B) {
				defer testio.ReportCPU(b)()
				for b.Loop() {
					runs, err := s.List(ctx, Filter{Labels: map[string]string{"team": "team3"}})
					if err != nil || len(runs) == 0 {
						b.Fatalf("%d runs, %v", len(runs), err)
					}
				}
			})
		})
	}
}

// BenchmarkRecord records a fleet's run of 10,000 events (4.4 MB), commit
// included: MB/s of stream, and the bytes stored.
func BenchmarkRecord(b *testing.B) {
	var stream bytes.Buffer
	if err := fleet(b).Write(&stream, 10_000); err != nil {
		b.Fatal(err)
	}
	for _, kind := range storeKinds {
		b.Run(kind.name, func(b *testing.B) {
			s := openStore(b, kind.spec(b), Options{Retention: Retention{Keep: 5}})
			b.SetBytes(int64(stream.Len()))
			defer testio.ReportCPU(b)()
			var run Run
			for b.Loop() {
				rec, err := s.Begin(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				rec.Write(stream.Bytes())
				run = Run{Outcome: "ok"}
				if err := rec.Commit(context.Background(), &run); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(run.StreamBytes), "stored-bytes")
		})
	}
}

// BenchmarkStoredBytes compresses the fleet recording (2,000 events of a
// real run) and a million-event run built from it as the recorder does,
// and reports the bytes stored per million events.
func BenchmarkStoredBytes(b *testing.B) {
	recording, err := os.ReadFile(filepath.Join("..", "testdata", "fleet", "fleet.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	s := fleet(b)
	for _, tc := range []struct {
		name   string
		events int
		write  func(io.Writer) error
	}{
		{"real-run", realEvents(recording), func(w io.Writer) error { _, err := w.Write(recording); return err }},
		{"million", 1_000_000, func(w io.Writer) error { return s.Write(w, 1_000_000) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var raw, stored counter
			for b.Loop() {
				raw, stored = 0, 0
				enc, err := newEncoder(&stored)
				if err != nil {
					b.Fatal(err)
				}
				if err := tc.write(io.MultiWriter(enc, &raw)); err != nil {
					b.Fatal(err)
				}
				if err := enc.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(raw))
			b.ReportMetric(float64(stored)*1e6/float64(tc.events), "stored-bytes/1M-events")
			b.ReportMetric(float64(raw)/float64(stored), "ratio")
		})
	}
}

// realEvents counts the events of a recording: its lines but ansible-tap's
// own records.
func realEvents(recording []byte) int {
	return bytes.Count(recording, []byte("\n")) - bytes.Count(recording, []byte(`{"_event":"ansible_tap_`))
}

// counter counts the bytes written to it.
type counter int64

func (c *counter) Write(p []byte) (int, error) { *c += counter(len(p)); return len(p), nil }
