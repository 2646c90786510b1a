package event

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The counting rules follow ansible/plugins/strategy/__init__.py; the
// fidelity tests check them against real runs, these pin each rule down.
func TestSummaryCountsLikeAnsible(t *testing.T) {
	task := &Task{ID: "t1", Name: "task", Action: "command"}
	res := func(changed bool) *Result { return &Result{Changed: changed} }
	tests := []struct {
		name string
		ev   Event
		want HostCounts
	}{
		{"ok", Event{Kind: RunnerOK, Result: res(false)}, HostCounts{OK: 1}},
		{"changed", Event{Kind: RunnerOK, Result: res(true)}, HostCounts{OK: 1, Changed: 1}},
		{"include counts when loaded", Event{Kind: RunnerOK, IsInclude: true, Result: res(false)}, HostCounts{}},
		{"fatal failure", Event{Kind: RunnerFailed, Disposition: Fatal, Result: res(true)}, HostCounts{Failures: 1}},
		{"ignored failure", Event{Kind: RunnerFailed, Disposition: Ignored, Result: res(true)}, HostCounts{OK: 1, Ignored: 1, Changed: 1}},
		{"rescued failure", Event{Kind: RunnerFailed, Disposition: Rescued, Result: res(false)}, HostCounts{Rescued: 1}},
		{"unreachable", Event{Kind: RunnerUnreach, Result: res(false)}, HostCounts{Unreachable: 1}},
		{"ignored unreachable", Event{Kind: RunnerUnreach, IgnoreUnreachable: true, Result: res(false)}, HostCounts{OK: 1, Ignored: 1}},
		{"skipped", Event{Kind: RunnerSkipped, Result: res(false)}, HostCounts{Skipped: 1}},
		{"skipped meta task", Event{Kind: RunnerSkipped, Meta: true, Result: res(false)}, HostCounts{}},
		{"loop item", Event{Kind: ItemOK, Result: res(true)}, HostCounts{}},
		{"retry", Event{Kind: RunnerRetry, Result: res(false)}, HostCounts{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSummary()
			ev := tt.ev
			ev.Host, ev.Task, ev.Time = "web1", task, time.Unix(100, 0)
			s.Add(&ev)
			got := HostCounts{}
			if c, ok := s.Counts["web1"]; ok {
				got = *c
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("counts (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSummaryIncludeCountsEachHost(t *testing.T) {
	s := NewSummary()
	s.Add(&Event{Kind: Include, IncludedFile: "x.yml", IncludeHosts: []string{"a", "b"}})
	if s.Counts["a"].OK != 1 || s.Counts["b"].OK != 1 {
		t.Errorf("counts %+v %+v", s.Counts["a"], s.Counts["b"])
	}
}

func TestSummaryTaskTimingsAndFailures(t *testing.T) {
	s := NewSummary()
	s.KeepResults = true
	at := func(sec int) time.Time { return time.Unix(1000+int64(sec), 0) }
	task := &Task{ID: "t", Name: "slow"}
	fast := &Task{ID: "f", Name: "fast"}
	play := &Play{ID: "p", Name: "play"}
	for _, ev := range []*Event{
		{Kind: PlayStart, Time: at(0), Play: play},
		{Kind: TaskStart, Time: at(0), Play: play, Task: task},
		{Kind: RunnerStart, Time: at(0), Play: play, Task: task, Host: "a"},
		{Kind: RunnerStart, Time: at(1), Play: play, Task: task, Host: "b"},
		{Kind: RunnerOK, Time: at(3), Play: play, Task: task, Host: "a", Result: &Result{}},
		{Kind: RunnerFailed, Time: at(5), Play: play, Task: task, Host: "b", Disposition: Fatal, Result: &Result{Msg: "boom"}},
		{Kind: TaskStart, Time: at(5), Play: play, Task: fast},
		{Kind: RunnerOK, Time: at(6), Play: play, Task: fast, Host: "a", Result: &Result{}},
		// the next serial batch runs the slow task again
		{Kind: PlayStart, Time: at(10), Play: play},
		{Kind: TaskStart, Time: at(10), Play: play, Task: task},
		{Kind: RunnerOK, Time: at(12), Play: play, Task: task, Host: "c", Result: &Result{}},
	} {
		s.Add(ev)
	}
	slow := s.Slowest(1)
	if len(slow) != 1 || slow[0].Task != task || slow[0].Duration() != 7*time.Second {
		t.Fatalf("slowest = %v (%v), want slow task with 5s+2s", slow[0].Task.Name, slow[0].Duration())
	}
	if got := slow[0].Results[1].Duration(); got != 4*time.Second {
		t.Errorf("host b took %v, want 4s from its runner_on_start", got)
	}
	if len(s.Plays) != 1 {
		t.Errorf("plays %d, want 1 (a serial batch is the same play)", len(s.Plays))
	}
	fatal := s.FatalFailures()
	if len(fatal) != 1 || fatal[0].Host != "b" || fatal[0].Message != "boom" {
		t.Errorf("fatal failures %+v", fatal)
	}
	if s.Duration() != 12*time.Second {
		t.Errorf("duration %v", s.Duration())
	}
	if got := s.Outcome(); got != "failed" {
		t.Errorf("outcome %q", got)
	}
}

func TestSummaryRunningListsCutOffWork(t *testing.T) {
	s := NewSummary()
	task := &Task{ID: "t", Name: "long"}
	at := time.Unix(1000, 0)
	s.Add(&Event{Kind: TaskStart, Time: at, Task: task})
	s.Add(&Event{Kind: RunnerStart, Time: at, Task: task, Host: "b"})
	s.Add(&Event{Kind: RunnerStart, Time: at, Task: task, Host: "a"})
	s.Add(&Event{Kind: RunnerOK, Time: at.Add(time.Second), Task: task, Host: "b", Result: &Result{}})
	running := s.Running()
	if len(running) != 1 || running[0].Host != "a" || running[0].Task.Task != task {
		t.Errorf("running = %+v, want host a on the long task", running)
	}
}

func TestSummaryKeepsStatePerTaskNotPerResult(t *testing.T) {
	for _, keep := range []bool{false, true} {
		s := NewSummary()
		s.KeepResults = keep
		task := &Task{ID: "t", Name: "ignored everywhere"}
		s.Add(&Event{Kind: TaskStart, Task: task})
		hosts := maxHandledFailures + 500
		for i := 0; i < hosts; i++ {
			s.Add(&Event{Kind: RunnerFailed, Task: task, Host: fmt.Sprintf("h%d", i), Disposition: Ignored, Result: &Result{Msg: "no"}})
		}
		s.Add(&Event{Kind: RunnerFailed, Task: task, Host: "last", Disposition: Fatal, Result: &Result{Msg: "boom"}})
		run := s.TaskRun("t")
		if run == nil || run.Done() != hosts+1 || run.Last.Host != "last" || run.Last.Status != StatusFailed {
			t.Fatalf("keep=%t: task run %+v", keep, run)
		}
		wantResults, wantFailures, wantOmitted := 0, maxHandledFailures+1, 500
		if keep {
			wantResults, wantFailures, wantOmitted = hosts+1, hosts+1, 0
		}
		if len(run.Results) != wantResults || len(s.Failures) != wantFailures || s.OmittedFailures != wantOmitted {
			t.Errorf("keep=%t: %d results, %d failures, %d omitted; want %d, %d, %d", keep,
				len(run.Results), len(s.Failures), s.OmittedFailures, wantResults, wantFailures, wantOmitted)
		}
		if f := s.FatalFailures(); len(f) != 1 || f[0].Host != "last" {
			t.Errorf("keep=%t: fatal failures %+v, want the one on host last", keep, f)
		}
		if c := s.Recap("h1"); c.Ignored != 1 || c.OK != 1 {
			t.Errorf("keep=%t: recap of h1 %+v: an omitted failure still counts", keep, c)
		}
	}
}

// A failure that a rescue section catches, or that ignore_errors lets
// pass, is listed among the failures with its disposition, and never among
// the fatal ones that decide the run's outcome.
func TestSummaryHandledFailuresAreNotFatal(t *testing.T) {
	task := &Task{ID: "t", Name: "may fail"}
	tests := []struct {
		name      string
		events    []Event
		fatal     []string // hosts of the fatal failures
		outcome   Outcome
		dispos    []Disposition
		wantCount HostCounts // of host a
	}{
		{"rescued", []Event{{Kind: RunnerFailed, Host: "a", Disposition: Rescued}}, nil, "ok", []Disposition{Rescued}, HostCounts{Rescued: 1}},
		{"ignored", []Event{{Kind: RunnerFailed, Host: "a", Disposition: Ignored}}, nil, "ok", []Disposition{Ignored}, HostCounts{OK: 1, Ignored: 1}},
		{"rescued on one host, fatal on another", []Event{
			{Kind: RunnerFailed, Host: "a", Disposition: Rescued},
			{Kind: RunnerFailed, Host: "b", Disposition: Fatal},
		}, []string{"b"}, "failed", []Disposition{Rescued, Fatal}, HostCounts{Rescued: 1}},
		{"unreachable is always fatal", []Event{{Kind: RunnerUnreach, Host: "a"}}, []string{"a"}, "failed", []Disposition{""}, HostCounts{Unreachable: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSummary()
			for _, ev := range tt.events {
				ev.Task, ev.Result = task, &Result{Msg: "no"}
				s.Add(&ev)
			}
			var fatal []string
			for _, f := range s.FatalFailures() {
				fatal = append(fatal, f.Host)
			}
			if diff := cmp.Diff(tt.fatal, fatal); diff != "" {
				t.Errorf("fatal failures (-want +got):\n%s", diff)
			}
			var dispos []Disposition
			for _, f := range s.Failures {
				dispos = append(dispos, f.Disposition)
			}
			if diff := cmp.Diff(tt.dispos, dispos); diff != "" {
				t.Errorf("dispositions of the failures (-want +got):\n%s", diff)
			}
			if got := s.Outcome(); got != tt.outcome {
				t.Errorf("outcome %q, want %q", got, tt.outcome)
			}
			if diff := cmp.Diff(tt.wantCount, s.Recap("a")); diff != "" {
				t.Errorf("recap of a (-want +got):\n%s", diff)
			}
		})
	}
}

// An interrupted run lasts until it stopped, and so does the task it cut
// short: not until the last event Ansible sent.
func TestSummaryCutRunsToTheEnd(t *testing.T) {
	s := NewSummary()
	at := func(sec int) time.Time { return time.Unix(1000+int64(sec), 0) }
	quick, long := &Task{ID: "q", Name: "quick"}, &Task{ID: "l", Name: "long"}
	s.Add(&Event{Kind: TaskStart, Time: at(0), Task: quick})
	s.Add(&Event{Kind: RunnerOK, Time: at(1), Task: quick, Host: "a", Result: &Result{}})
	s.Add(&Event{Kind: TaskStart, Time: at(1), Task: long})
	s.Add(&Event{Kind: RunnerStart, Time: at(1), Task: long, Host: "a"})
	s.Cut(at(7))
	if got := s.Duration(); got != 7*time.Second {
		t.Errorf("run duration %v, want 7s, to the cut", got)
	}
	if got := s.TaskRun("l").Duration(); got != 6*time.Second {
		t.Errorf("the cut task lasted %v, want 6s, from its start to the cut", got)
	}
	if got := s.TaskRun("q").Duration(); got != time.Second {
		t.Errorf("the finished task lasted %v, want 1s: a cut changes only what was running", got)
	}
	s.Cut(at(3)) // an earlier moment shortens nothing
	if got := s.Duration(); got != 7*time.Second {
		t.Errorf("run duration %v after an earlier cut, want 7s", got)
	}
}
