package event

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/ansible-tap/ansible-tap/internal/fleetstream"
)

// benchStream is a stream of about 4 MB: the fleet's recording with its
// task blocks repeated as new tasks (a long run), or a small recorded run
// repeated whole.
func benchStream(b *testing.B, name string) []byte {
	b.Helper()
	if name == "fleet" {
		recording, err := os.ReadFile(filepath.Join("..", "testdata", "fleet", "fleet.jsonl"))
		if err != nil {
			b.Fatal(err)
		}
		s, err := fleetstream.Parse(recording)
		if err != nil {
			b.Fatal(err)
		}
		var out bytes.Buffer
		if err := s.Write(&out, 10_000); err != nil {
			b.Fatal(err)
		}
		return out.Bytes()
	}
	one, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		b.Fatal(err)
	}
	return bytes.Repeat(one, (4<<20)/len(one)+1)
}

// BenchmarkDecoder decodes recorded ansible-tap streams, alone, with the
// Summary updated by each event, and through encoding/json only, and reports
// allocations per event. Its json.Valid cases are the baseline the decoder
// is measured against: json.Valid of each line of the same stream, which
// only scans it. "fleet" is a long run's stream; "tap" a 34-event run
// repeated, so a tenth of its events are the records (playbook, play,
// stats) that a long run has few of.
func BenchmarkDecoder(b *testing.B) {
	for _, bc := range []struct {
		name     string
		file     string
		summary  bool
		slowOnly bool
	}{
		{"fleet", "fleet", false, false},
		{"fleet+summary", "fleet", true, false},
		{"tap", "basic.tap.jsonl", false, false},
		{"tap+summary", "basic.tap.jsonl", true, false},
		{"tap-encoding-json", "basic.tap.jsonl", false, true},
		{"posix.jsonl", "basic.posix.jsonl", false, false},
	} {
		b.Run(bc.name, func(b *testing.B) {
			data := benchStream(b, bc.file)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			var events int
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				d := NewDecoder(bytes.NewReader(data))
				d.slowOnly = bc.slowOnly
				var s *Summary
				if bc.summary {
					s = NewSummary()
				}
				for {
					ev, err := d.Next()
					if errors.Is(err, io.EOF) {
						break
					}
					if err != nil {
						b.Fatal(err)
					}
					events++
					if s != nil {
						s.Add(ev)
					}
				}
			}
			b.StopTimer()
			runtime.ReadMemStats(&after)
			if events == 0 {
				b.Fatal("no events")
			}
			b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(events), "allocs/event")
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(events), "B/event")
			b.ReportMetric(float64(events)/float64(b.N), "events/op")
		})
	}
	for _, baseline := range []struct{ name, file string }{
		{"fleet-json.Valid", "fleet"},
		{"tap-json.Valid", "basic.tap.jsonl"},
	} {
		b.Run(baseline.name, func(b *testing.B) {
			data := benchStream(b, baseline.file)
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				for line := range bytes.Lines(data) {
					if !json.Valid(line) {
						b.Fatalf("not valid: %q", line)
					}
				}
			}
		})
	}
}
