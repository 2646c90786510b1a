package report

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/chromedp/chromedp"
)

// syntheticRun feeds h a run of hosts × tasks results, as the linear
// strategy with 50 forks would make them: a third changed, some skipped,
// ignored and rescued failures, a diff on every tenth task, and fatal
// failures on the last task of one host in a hundred.
func syntheticRun(hosts, tasks int, h event.Handler) *event.Summary {
	s := event.NewSummary()
	s.KeepResults = true // as for the HTML report
	add := func(ev *event.Event) {
		s.Add(ev)
		h.Event(ev, s)
	}
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	add(&event.Event{Kind: event.PlaybookStart, Time: at, Playbook: &event.Playbook{Path: "/src/site.yml", AnsibleVersion: "2.14.18", Diff: true}})
	play := &event.Play{ID: "play", Name: "Configure the fleet", Start: at}
	add(&event.Event{Kind: event.PlayStart, Time: at, Play: play})
	const forks = 50
	for k := 0; k < tasks; k++ {
		task := &event.Task{ID: fmt.Sprint("task-", k), Name: fmt.Sprintf("Configure component %d of the service", k),
			Path: fmt.Sprintf("/src/roles/app/tasks/main.yml:%d", 10+4*k), Action: "ansible.builtin.template"}
		add(&event.Event{Kind: event.TaskStart, Time: at, Play: play, Task: task})
		end := at
		for batch := 0; batch*forks < hosts; batch++ {
			batchEnd := at
			for i := batch * forks; i < min(hosts, (batch+1)*forks); i++ {
				host := fmt.Sprintf("web-%04d.example.com", i)
				start := at.Add(time.Duration(i%forks) * 3 * time.Millisecond)
				add(&event.Event{Kind: event.RunnerStart, Time: start, Play: play, Task: task, Host: host})
				done := start.Add(time.Duration(80+(i*37+k*101)%900) * time.Millisecond)
				ev := &event.Event{Kind: event.RunnerOK, Time: done, Play: play, Task: task, Host: host, Result: &event.Result{}}
				switch {
				case k == tasks-1 && i%100 == 0:
					rc := 2
					ev.Kind, ev.Disposition = event.RunnerFailed, event.Fatal
					ev.Result = &event.Result{Failed: true, Msg: "non-zero return code", RC: &rc, Stderr: "service did not start",
						Raw: []byte(`{"failed":true,"rc":2,"stdout":"starting app\nchecking port 8080"}`)}
				case (i+2*k)%97 == 0:
					ev.Kind, ev.Disposition = event.RunnerFailed, event.Ignored
					ev.Result = &event.Result{Failed: true, Msg: "the cache was cold"}
				case (3*i+k)%89 == 0:
					ev.Kind, ev.Disposition = event.RunnerFailed, event.Rescued
					ev.Result = &event.Result{Failed: true, Msg: "the mirror did not answer"}
				case (7*i+k)%11 == 0:
					ev.Kind, ev.Result = event.RunnerSkipped, &event.Result{Skipped: true, SkipReason: "Conditional result was False"}
				case (i+k)%3 == 0:
					ev.Result.Changed = true
					if k%10 == 0 {
						add(&event.Event{Kind: event.FileDiff, Time: done, Play: play, Task: task, Host: host,
							DiffText: fmt.Sprintf("--- before: /etc/app/%d.conf\n+++ after: /etc/app/%d.conf\n@@ -1 +1 @@\n-workers=%d\n+workers=%d\n", k, k, i%8, i%8+1)})
					}
				}
				add(ev)
				batchEnd = latest(batchEnd, done)
			}
			at = batchEnd.Add(20 * time.Millisecond)
			end = latest(end, batchEnd)
		}
		at = end.Add(50 * time.Millisecond)
	}
	s.Complete = true
	s.ExitCode = 2
	return s
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// TestHTMLLargeRunInBrowser writes the report of 1,000 hosts × 50 tasks,
// opens it in Chromium a few times and logs its size and the time to its
// first drawn timeline: the figures of the README, never an assertion on
// time.
func TestHTMLLargeRunInBrowser(t *testing.T) {
	const hosts, tasks = 1000, 50
	path := filepath.Join(t.TempDir(), "large.html")
	h := NewHTML(HTMLOptions{Path: path, BaseDir: "/src"})
	s := syntheticRun(hosts, tasks, h)
	start := time.Now()
	if err := h.Finish(s); err != nil {
		t.Fatal(err)
	}
	written := time.Since(start)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	tb := browserTab(t)
	var renders, readies []int // ms from navigation to the first drawn timeline, and to the page set up
	for range 3 {
		tb.open(path)
		renders = append(renders, eval[int](tb, `Number(document.documentElement.dataset.firstRender)`))
		readies = append(readies, eval[int](tb, `Number(document.documentElement.dataset.ready)`))
	}
	if got := eval[int](tb, `Number(document.getElementById('timeline').dataset.bars)`); got != hosts*tasks {
		t.Errorf("the timeline holds %d bars, want %d", got, hosts*tasks)
	}
	if n := eval[int](tb, statusPixels); n == 0 {
		t.Error("the timeline's canvas has no pixel of a status colour")
	}
	filtered := time.Now()
	tb.do(chromedp.Click(chromedp.CSS(`#filters input[value=ok]`)))
	waitBars(t, tb, hosts*tasks-resultCount(s, func(r event.HostResult, _ *event.TaskRun) bool { return r.Status == event.StatusOK }), "without ok")
	tb.screenshot("report-large")
	if p := tb.problems(); len(p) > 0 {
		t.Errorf("the page had problems: %v", p)
	}
	t.Logf("%d hosts × %d tasks: %.2f MB written in %v; in Chromium, the timeline drawn after %d ms and the whole page ready after %d ms (medians of %v and %v); a status filter applied in %v",
		hosts, tasks, float64(info.Size())/1e6, written.Round(time.Millisecond), median(renders), median(readies), renders, readies, time.Since(filtered).Round(time.Millisecond))
}

func median(values []int) int {
	sorted := slices.Clone(values)
	slices.Sort(sorted)
	return sorted[len(sorted)/2]
}

// BenchmarkHTMLRender measures the report of 1,000 hosts × 50 tasks.
func BenchmarkHTMLRender(b *testing.B) {
	h := NewHTML(HTMLOptions{BaseDir: "/src"})
	s := syntheticRun(1000, 50, h)
	b.ReportAllocs()
	var size int
	for b.Loop() {
		data, err := h.Render(s)
		if err != nil {
			b.Fatal(err)
		}
		size = len(data)
	}
	b.ReportMetric(float64(size)/1e6, "MB")
}
