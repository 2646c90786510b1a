package report

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
)

// syntheticEvents passes to add the events of a run of tasks × hosts results
// in one play: every tenth result an ignored failure, every third one of
// the others changed, the task's path and action as a real one's. The
// events are made one at a time, so that a run of any length costs only
// what the receiver keeps.
func syntheticEvents(tasks, hosts int, add func(*event.Event)) {
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	play := &event.Play{ID: "p", Name: "large play", Start: at}
	add(&event.Event{Kind: event.PlayStart, Time: at, Play: play})
	for i := 0; i < tasks; i++ {
		task := &event.Task{ID: fmt.Sprint(i), Name: fmt.Sprintf("task %d", i), Path: fmt.Sprintf("/src/site.yml:%d", i), Action: "ansible.builtin.command"}
		at = at.Add(time.Second)
		add(&event.Event{Kind: event.TaskStart, Time: at, Play: play, Task: task})
		for h := 0; h < hosts; h++ {
			ev := &event.Event{Kind: event.RunnerOK, Time: at.Add(time.Duration(h) * time.Millisecond), Play: play, Task: task,
				Host: fmt.Sprintf("host%03d", h), Result: &event.Result{Changed: h%3 == 0}}
			if (i+h)%10 == 0 {
				ev.Kind, ev.Disposition, ev.Result = event.RunnerFailed, event.Ignored, &event.Result{Failed: true, Msg: "exit status 1 | <stderr>"}
			}
			add(ev)
		}
	}
}

// largeSummary is the Summary of a syntheticEvents that keeps every result,
// as for the HTML report.
func largeSummary(tasks, hosts int) *event.Summary {
	s := event.NewSummary()
	s.KeepResults = true
	syntheticEvents(tasks, hosts, s.Add)
	s.Complete = true
	return s
}

// BenchmarkJUnit measures the JUnit report of 200 tasks × 50 hosts: the
// test cases written as the results come, then the report.
func BenchmarkJUnit(b *testing.B) {
	path := filepath.Join(b.TempDir(), "junit.xml")
	b.ReportAllocs()
	for b.Loop() {
		s := event.NewSummary()
		j := NewJUnit(JUnitOptions{Path: path, BaseDir: "/src"})
		syntheticEvents(200, 50, func(ev *event.Event) {
			s.Add(ev)
			if err := j.Event(ev, s); err != nil {
				b.Fatal(err)
			}
		})
		s.Complete = true
		if err := j.Finish(s); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/10000, "ns/testcase")
}

// BenchmarkMarkdownRender measures the summary of 200 tasks × 50 hosts.
func BenchmarkMarkdownRender(b *testing.B) {
	s := largeSummary(200, 50)
	m := NewMarkdown(MarkdownOptions{Slowest: DefaultSlowest})
	b.ReportAllocs()
	for b.Loop() {
		m.Render(s)
	}
}
