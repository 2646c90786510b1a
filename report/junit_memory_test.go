package report

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/ansible-tap/ansible-tap/event"
)

// TestJUnitMemoryFlat feeds the results of 50 hosts at task after task to
// a Summary alone, then to a Summary and a JUnit writer, and checks that
// from 100,000 to 1,000,000 results the heap in use grows with the JUnit
// writer by less than 8 MiB more than without it: the writer keeps nothing
// per result, and does not ask the Summary to. (The Summary keeps state per
// task, 20,000 of them here.) With -short the runs are ten times shorter.
func TestJUnitMemoryFlat(t *testing.T) {
	if _, ok := any(NewJUnit(JUnitOptions{})).(event.ResultKeeper); ok {
		t.Fatal("the JUnit writer asks the Summary to keep every result")
	}
	const hosts = 50
	const margin = 8 << 20
	first, last := 100_000, 1_000_000
	if testing.Short() {
		first, last = 10_000, 100_000
	}

	s := event.NewSummary()
	summaryFirst, summaryLast := heapAt(first, last, hosts, s.Add)
	summaryGrowth := int64(summaryLast) - int64(summaryFirst)
	t.Logf("Summary alone: heap in use %s after %d results, %s after %d (%d tasks)",
		mib(summaryFirst), first, mib(summaryLast), last, len(s.Tasks))
	s = nil

	dir := t.TempDir()
	path := filepath.Join(dir, "junit.xml")
	s = event.NewSummary()
	j := NewJUnit(JUnitOptions{Path: path})
	atFirst, atLast := heapAt(first, last, hosts, func(ev *event.Event) {
		s.Add(ev)
		if err := j.Event(ev, s); err != nil {
			t.Fatal(err)
		}
	})
	growth := int64(atLast) - int64(atFirst)
	t.Logf("Summary and JUnit: heap in use %s after %d results, %s after %d", mib(atFirst), first, mib(atLast), last)
	if growth > summaryGrowth+margin {
		t.Errorf("with the JUnit writer the heap grew by %s from %d to %d results, %s more than without it (at most %s)",
			mib(uint64(growth)), first, last, mib(uint64(growth-summaryGrowth)), mib(margin))
	}

	s.Complete = true
	if err := j.Finish(s); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d files beside the report, want the report alone", len(entries)-1)
	}
	checkJUnitCases(t, path, last)
}

// heapAt passes the events of a syntheticEvents run of last results to add
// and returns the heap in use after first and after last results.
func heapAt(first, last, hosts int, add func(*event.Event)) (atFirst, atLast uint64) {
	results := 0
	syntheticEvents(last/hosts, hosts, func(ev *event.Event) {
		add(ev)
		if ev.Host == "" {
			return
		}
		switch results++; results {
		case first:
			atFirst = heapInUse()
		case last:
			atLast = heapInUse()
		}
	})
	return atFirst, atLast
}

// heapInUse is the heap in use after a collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

func mib(n uint64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// checkJUnitCases checks that a report has the count of tests in its
// first element, as many test cases, and its last line.
func checkJUnitCases(t *testing.T, path string, tests int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	cases, line, lastLine := 0, 0, ""
	for sc.Scan() {
		line++
		if line == 2 && !bytes.Contains(sc.Bytes(), fmt.Appendf(nil, ` tests="%d" `, tests)) {
			t.Errorf("the report does not count %d tests: %s", tests, sc.Bytes())
		}
		if bytes.HasPrefix(sc.Bytes(), []byte("    <testcase ")) {
			cases++
		}
		lastLine = sc.Text()
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if cases != tests || lastLine != "</testsuites>" {
		t.Errorf("%d test cases, last line %q; want %d and the end of testsuites", cases, lastLine, tests)
	}
}
