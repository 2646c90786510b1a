package compare_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/compare"
	"github.com/ansible-tap/ansible-tap/history"
	"github.com/ansible-tap/ansible-tap/internal/comparetest"
	"github.com/ansible-tap/ansible-tap/internal/fleetstream"
	"github.com/ansible-tap/ansible-tap/internal/pgtest"
	"github.com/ansible-tap/ansible-tap/internal/testio"
	"github.com/ansible-tap/ansible-tap/render"
)

// fleetRuns builds two runs of 1,000 hosts and 50 tasks from the real
// fleet recording (testdata/fleet), the second with its hosts shifted so
// that they fare otherwise.
func fleetRuns(b *testing.B) (first, second []byte) {
	b.Helper()
	recording, err := os.ReadFile(filepath.Join("..", "testdata", "fleet", "fleet.jsonl"))
	if err != nil {
		b.Fatal(err)
	}
	s, err := fleetstream.Parse(recording)
	if err != nil {
		b.Fatal(err)
	}
	var runs [2]bytes.Buffer
	for i, shift := range []int{0, 7} {
		if err := s.WriteFleet(&runs[i], fleetstream.Fleet{Hosts: 1000, Tasks: 50, Shift: shift}); err != nil {
			b.Fatal(err)
		}
	}
	return runs[0].Bytes(), runs[1].Bytes()
}

// BenchmarkDiff compares two stored runs of 1,000 hosts x 50 tasks
// (50,000 results, 100,000 events each), as `ansible-tap diff` does: the
// records, both streams read from the store at once, the tables, the
// comparison, and its text; in each store.
func BenchmarkDiff(b *testing.B) {
	first, second := fleetRuns(b)
	for _, kind := range []struct {
		name string
		spec func(b *testing.B) string
	}{
		{"sqlite", func(b *testing.B) string { return filepath.Join(b.TempDir(), "history") }},
		{"postgres", func(b *testing.B) string { return pgtest.Database(b) }},
	} {
		b.Run(kind.name, func(b *testing.B) {
			s, err := history.Open(context.Background(), kind.spec(b), history.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			comparetest.Record(b, s, first, time.Now().Add(-time.Hour))
			run := comparetest.Record(b, s, second, time.Now())
			b.SetBytes(int64(len(first) + len(second)))
			defer testio.ReportCPU(b)()
			for b.Loop() {
				c, err := history.Diff(context.Background(), s, "", run.ID)
				if err != nil {
					b.Fatal(err)
				}
				if err := render.WriteComparison(io.Discard, c, render.ComparisonOptions{Now: time.Now()}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReadTable reads a run of 1,000 hosts x 50 tasks into its table.
func BenchmarkReadTable(b *testing.B) {
	first, _ := fleetRuns(b)
	b.SetBytes(int64(len(first)))
	defer testio.ReportCPU(b)()
	for b.Loop() {
		if _, err := compare.ReadTable(bytes.NewReader(first)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompare compares the tables of two runs of 1,000 hosts x 50
// tasks.
func BenchmarkCompare(b *testing.B) {
	first, second := fleetRuns(b)
	ta, err := compare.ReadTable(bytes.NewReader(first))
	if err != nil {
		b.Fatal(err)
	}
	tb, err := compare.ReadTable(bytes.NewReader(second))
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		compare.Compare(ta, tb)
	}
}
