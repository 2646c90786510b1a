package report

import (
	"fmt"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/runner"
)

// largeSummary is a run of tasks × hosts results, every tenth one failed.
func largeSummary(tasks, hosts int) *runner.Summary {
	s := runner.NewSummary()
	s.KeepResults = true // as for the HTML report
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	play := &runner.Play{ID: "p", Name: "large play"}
	s.Add(&runner.Event{Kind: runner.PlayStart, Time: at, Play: play})
	for i := 0; i < tasks; i++ {
		task := &runner.Task{ID: fmt.Sprint(i), Name: fmt.Sprintf("task %d", i), Path: fmt.Sprintf("/src/site.yml:%d", i), Action: "ansible.builtin.command"}
		at = at.Add(time.Second)
		s.Add(&runner.Event{Kind: runner.TaskStart, Time: at, Play: play, Task: task})
		for h := 0; h < hosts; h++ {
			ev := &runner.Event{Kind: runner.RunnerOK, Time: at.Add(time.Duration(h) * time.Millisecond), Play: play, Task: task,
				Host: fmt.Sprintf("host%03d", h), Result: &runner.Result{Changed: h%3 == 0}}
			if (i+h)%10 == 0 {
				ev.Kind, ev.Disposition, ev.Result = runner.RunnerFailed, runner.Ignored, &runner.Result{Failed: true, Msg: "exit status 1 | <stderr>"}
			}
			s.Add(ev)
		}
	}
	s.Complete = true
	return s
}

// BenchmarkJUnitRender measures the JUnit document of 200 tasks × 50 hosts.
func BenchmarkJUnitRender(b *testing.B) {
	s := largeSummary(200, 50)
	j := NewJUnit(JUnitOptions{BaseDir: "/src"})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := j.Render(s); err != nil {
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
