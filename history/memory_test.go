package history

import (
	"context"
	"io"
	"runtime/debug"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/internal/testio"
)

// maxGrowth is how much more heap recording a run ten times as long may
// take: nothing is kept per event, neither the stream nor its compressed
// form, which goes to a file as it is written and to PostgreSQL in chunks of
// a fixed size; the bound leaves room for the garbage that the sampling
// lets through.
const maxGrowth = 4 << 20

// TestRecordingMemoryIsFlat records runs of two lengths, the longer ten
// times the shorter, into each store and compares the peak heap of the
// two, commit included: a fleet's run of 30,000 and 300,000 events (13 and
// 130 MB, which compress 100 to 150 times) and streams of random text of 4
// and 40 MB (which do not compress, so that holding the compressed stream
// whole would show too).
func TestRecordingMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("records 190 MB per store")
	}
	stream := fleet(t)
	noise := incompressibleLines(4 << 20)
	defer debug.SetGCPercent(debug.SetGCPercent(10))
	for _, tc := range []struct {
		name  string
		write func(w io.Writer, scale int) error
	}{
		{"fleet", func(w io.Writer, scale int) error { return stream.Write(w, 30_000*scale) }},
		{"random", func(w io.Writer, scale int) error {
			for range scale {
				if _, err := w.Write(noise); err != nil {
					return err
				}
			}
			return nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			forEachStore(t, func(t *testing.T, spec string) {
				s := openStore(t, spec, Options{})
				small := recordPeakHeap(t, s, func(w io.Writer) error { return tc.write(w, 1) })
				large := recordPeakHeap(t, s, func(w io.Writer) error { return tc.write(w, 10) })
				t.Logf("peak heap %.1f MiB for the short run, %.1f MiB for the long one", float64(small)/(1<<20), float64(large)/(1<<20))
				if growth := int64(large) - int64(small); growth > maxGrowth {
					t.Errorf("the heap grows by %.1f MiB for a run ten times as long, more than %d MiB", float64(growth)/(1<<20), maxGrowth>>20)
				}
			})
		})
	}
}

// recordPeakHeap records what write writes, and returns the largest heap
// in use seen meanwhile.
func recordPeakHeap(t *testing.T, s Store, write func(io.Writer) error) uint64 {
	t.Helper()
	ctx := context.Background()
	run := &Run{Outcome: "ok"}
	peak := testio.PeakHeap(2*time.Millisecond, func() {
		rec, err := s.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := write(rec); err != nil {
			t.Fatal(err)
		}
		if err := rec.Commit(ctx, run); err != nil {
			t.Fatal(err)
		}
	})
	t.Logf("%d bytes stored for %d written", run.StreamBytes, run.RawBytes)
	r, err := s.Stream(ctx, run.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if n, err := io.Copy(io.Discard, r); err != nil || n != run.RawBytes {
		t.Fatalf("read back %d bytes of %d: %v", n, run.RawBytes, err)
	}
	return peak
}
