// Command diffbench measures the comparison of two runs as `ansible-tap
// diff` makes it: it builds two runs of a fleet (by default 1,000 hosts x
// 50 tasks, from the real recording testdata/fleet/fleet.jsonl, the second
// run's hosts faring otherwise, ten of them gone), records both into a run store (SQLite in
// a temporary directory, or the PostgreSQL database that -store names),
// then runs the comparison of the newest run with its baseline, and its
// text, in a process of its own, several times, and prints each one's wall
// time, CPU time and peak RSS.
//
//	go run ./bench/diffbench                     # 1,000 hosts x 50 tasks, 5 times, SQLite
//	go run ./bench/diffbench -store postgres://…  # the same through PostgreSQL
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"github.com/ansible-tap/ansible-tap/history"
	"github.com/ansible-tap/ansible-tap/internal/comparetest"
	"github.com/ansible-tap/ansible-tap/internal/fleetstream"
	"github.com/ansible-tap/ansible-tap/internal/testio"
	"github.com/ansible-tap/ansible-tap/render"
)

func main() {
	hosts := flag.Int("hosts", 1000, "hosts in each run")
	tasks := flag.Int("tasks", 50, "tasks in each run")
	times := flag.Int("times", 5, "comparisons measured")
	store := flag.String("store", "", "the store (default: SQLite in a temporary directory)")
	recording := flag.String("recording", "testdata/fleet/fleet.jsonl", "the recorded run the runs are built from")
	child := flag.String("child", "", "(internal) compare this run in the store -store and exit")
	flag.Parse()
	log.SetFlags(0)
	if *child != "" {
		if err := diff(*store, *child); err != nil {
			log.Fatal(err)
		}
		return
	}
	if err := bench(*recording, *store, *hosts, *tasks, *times); err != nil {
		log.Fatal(err)
	}
}

// bench builds and records the runs, then measures the comparison.
func bench(recording, store string, hosts, tasks, times int) error {
	if store == "" {
		dir, err := os.MkdirTemp("", "diffbench")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		store = filepath.Join(dir, "history")
	}
	data, err := os.ReadFile(recording)
	if err != nil {
		return err
	}
	fleet, err := fleetstream.Parse(data)
	if err != nil {
		return err
	}
	s, err := history.Open(context.Background(), store, history.Options{})
	if err != nil {
		return err
	}
	var last string
	var size int
	// The second run: its hosts fare otherwise, and ten are gone.
	for i, f := range []fleetstream.Fleet{{Hosts: hosts, Tasks: tasks}, {Hosts: hosts - 10, Tasks: tasks, Shift: 7}} {
		var run bytes.Buffer
		if err := fleet.WriteFleet(&run, f); err != nil {
			return err
		}
		size += run.Len()
		r, err := comparetest.RecordRun(s, run.Bytes(), time.Now().Add(time.Duration(i-2)*time.Hour))
		if err != nil {
			return err
		}
		last = r.ID
	}
	s.Close()
	fmt.Printf("two runs of %d hosts x %d tasks, %.0f MB of events, in %s\n\n", hosts, tasks, float64(size)/1e6, s.Location())
	fmt.Printf("%-6s %8s %8s %10s\n", "", "wall s", "CPU s", "peak RSS")
	var walls []float64
	for i := range times {
		cmd := exec.Command(os.Args[0], "-store", store, "-child", last)
		cmd.Stderr = os.Stderr
		start := time.Now()
		out, err := cmd.Output()
		wall := time.Since(start).Seconds()
		if err != nil {
			return fmt.Errorf("the comparison: %w", err)
		}
		// The child's own peak RSS: the rusage of a child counts the
		// parent's memory at the moment it was started.
		fmt.Printf("%-6d %8.2f %s", i+1, wall, out)
		walls = append(walls, wall)
	}
	slices.Sort(walls)
	fmt.Printf("\nmedian wall time %.2f s\n", walls[len(walls)/2])
	return nil
}

// diff compares the run with its baseline and writes the text, as
// `ansible-tap diff` would, to /dev/null; it prints the counts.
func diff(store, id string) error {
	s, err := history.Open(context.Background(), store, history.Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	c, err := history.Diff(context.Background(), s, "", id)
	if err != nil {
		return err
	}
	if err := render.WriteComparison(io.Discard, c, render.ComparisonOptions{Now: time.Now()}); err != nil {
		return err
	}
	n := c.Counts()
	fmt.Printf("%8.2f %7.1f MiB  %d new failures, %d fixed, %d changed, %d hosts removed, %d tasks matched\n",
		testio.CPUTime().Seconds(), testio.PeakRSS(),
		n.NewFailures, n.Fixed, n.NotIdempotent, n.HostsRemoved, c.Matched)
	return nil
}
