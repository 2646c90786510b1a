package render

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/fatih/color"

	"github.com/ansible-tap/ansible-tap/event"
)

// bannerWidth is the width of PLAY and TASK banners, as ansible-playbook
// prints them when it is not on a terminal.
const bannerWidth = 80

// Compact renders a run the way an ansible-playbook user expects to read
// it, one line a result: banners, a line per host result, loop items,
// retries, handlers, diffs, the recap, then the run's tail (see WriteRunTail).
type Compact struct {
	w    io.Writer
	c    *palette
	opts Options
	live bool
	now  func() time.Time

	mu     sync.Mutex // the events and the status line's clock both write
	status bool       // a status line is on screen
	buf    bytes.Buffer
	// taskShown is the task whose banner was printed last.
	taskShown *event.Task
	// warned holds the warnings printed: like ansible-playbook, each is
	// printed once a run.
	warned map[string]bool
	// The status line's content, kept for the clock to redraw it.
	statusTask string
	statusDone int
	// ticking is true while hosts run a task that prompts nobody: only
	// then may the clock redraw the line, which would wipe a prompt of
	// Ansible's (pause, vars_prompt, --step) from the terminal.
	ticking    bool
	firstEvent time.Time // the wall-clock time of the first event
	stopClock  chan struct{}
	clockDone  chan struct{}
}

// statusRefresh is how often the live status line's elapsed time moves on
// while no event comes (a long task).
const statusRefresh = time.Second

// NewCompact returns a compact renderer writing to w. With opts.Live it
// redraws the status line every second until Finish.
func NewCompact(w io.Writer, opts Options) *Compact {
	t := &Compact{w: w, c: newPalette(opts.Color), opts: opts, live: opts.Live, now: opts.Now, warned: make(map[string]bool)}
	if t.now == nil {
		t.now = time.Now
	}
	if t.live {
		t.stopClock, t.clockDone = make(chan struct{}), make(chan struct{})
		go t.clock()
	}
	return t
}

// clock redraws the status line, so that its elapsed time moves on during
// a long task.
func (t *Compact) clock() {
	defer close(t.clockDone)
	tick := time.NewTicker(statusRefresh)
	defer tick.Stop()
	for {
		select {
		case <-t.stopClock:
			return
		case <-tick.C:
			t.refresh()
		}
	}
}

// refresh redraws the status line, if one is on screen, with the time now.
func (t *Compact) refresh() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.status || !t.ticking {
		return
	}
	t.buf.Reset()
	t.clearStatus()
	t.drawStatus()
	t.flush()
}

// Event prints the lines for ev.
func (t *Compact) Event(ev *event.Event, s *event.Summary) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.firstEvent.IsZero() {
		t.firstEvent = t.now()
	}
	t.buf.Reset()
	t.clearStatus()
	t.render(ev, s)
	t.ticking = false
	if t.live && s.CurrentTask != nil && ev.Kind != event.PlaybookStats && !prompts(s.CurrentTask.Task) {
		t.statusTask, t.statusDone = clean(taskName(s.CurrentTask.Task)), s.CurrentTask.Done()
		t.drawStatus()
		t.ticking = s.Busy()
	}
	return t.flush()
}

// Finish prints the recap when Ansible did not, then the run's tail: the
// duration, the failed tasks and the slowest tasks.
func (t *Compact) Finish(s *event.Summary) error {
	if t.live {
		close(t.stopClock)
		<-t.clockDone
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Reset()
	t.clearStatus()
	if len(s.Hosts) == 0 && !s.Interrupted {
		return t.flush()
	}
	switch {
	case s.Interrupted:
		fmt.Fprintf(&t.buf, "\n%s\n", t.c.failed.Sprintf("RUN INTERRUPTED: the run ended before Ansible's recap (exit code %d); counts so far:", s.ExitCode))
		t.recap(s)
	case !s.Complete: // Ansible stopped with an ERROR!
		fmt.Fprintf(&t.buf, "\n%s\n", t.c.failed.Sprintf("RUN ABORTED: ansible-playbook exited with code %d before its recap; counts so far:", s.ExitCode))
		t.recap(s)
	}
	writeTail(&t.buf, s, t.c, t.opts)
	return t.flush()
}

func (t *Compact) render(ev *event.Event, s *event.Summary) {
	switch ev.Kind {
	case event.PlayStart:
		name := ev.Play.Name
		t.banner("PLAY [" + name + "]")
	case event.TaskStart, event.CleanupTaskStart:
		t.taskStart("TASK", ev)
	case event.HandlerTaskStart:
		t.taskStart("RUNNING HANDLER", ev)
	case event.RunnerOK, event.RunnerFailed, event.RunnerSkipped, event.RunnerUnreach:
		t.ensureBanner(ev.Task)
		t.result(ev)
		t.warnings(ev)
	case event.ItemOK, event.ItemFailed, event.ItemSkipped:
		t.ensureBanner(ev.Task)
		t.item(ev)
		t.warnings(ev)
	case event.RunnerRetry:
		t.ensureBanner(ev.Task)
		left := ev.Result.Retries - ev.Result.Attempts
		t.line(t.c.failed, fmt.Sprintf("FAILED - RETRYING: [%s]: %s (%d retries left).", ev.Host, taskName(ev.Task), left))
	case event.AsyncPoll:
		t.ensureBanner(ev.Task)
		t.line(nil, asyncLine(ev))
	case event.AsyncOK:
		t.ensureBanner(ev.Task)
		t.line(t.c.ok, asyncLine(ev))
	case event.AsyncFailed:
		t.ensureBanner(ev.Task)
		t.line(t.c.failed, asyncLine(ev))
	case event.FileDiff:
		t.ensureBanner(ev.Task)
		t.diff(clean(ev.DiffText))
	case event.Include:
		t.line(nil, fmt.Sprintf("included: %s for %s", ev.IncludedFile, strings.Join(ev.IncludeHosts, ", ")))
	case event.NoHostsMatched:
		t.line(t.c.skipped, "skipping: no hosts matched")
	case event.NoHostsRemaining:
		t.banner("NO MORE HOSTS LEFT")
	case event.PlaybookStats:
		t.recap(s)
	}
}

// banner prints a PLAY, TASK or RECAP banner; msg may hold names from
// the playbook, so it is cleaned of control characters. A task's results
// that follow another banner need their task's banner again.
func (t *Compact) banner(msg string) {
	t.taskShown = nil
	msg = clean(msg)
	stars := bannerWidth - len(msg) - 1
	if stars < 3 {
		stars = 3
	}
	fmt.Fprintf(&t.buf, "\n%s %s\n", t.c.banner.Sprint(msg), strings.Repeat("*", stars))
}

// taskStart prints the banner of a task that starts, unless the play's
// hosts run free: then the banner waits for the task's first result.
func (t *Compact) taskStart(kind string, ev *event.Event) {
	if !hostsRunFree(ev.Play) {
		t.taskBanner(kind, ev.Task)
	}
}

// hostsRunFree reports whether the play's hosts run their tasks each at
// its own pace (strategy free or host_pinned).
func hostsRunFree(play *event.Play) bool {
	if play == nil {
		return false
	}
	switch event.BuiltinName(play.Strategy) {
	case "free", "host_pinned":
		return true
	}
	return false
}

func (t *Compact) taskBanner(kind string, task *event.Task) {
	t.banner(kind + " [" + taskName(task) + "]")
	t.taskShown = task
}

// ensureBanner prints a task's banner unless it is the last banner
// printed: at the task's start, or with its first result when hosts run
// free, and again when results of another task came in between.
func (t *Compact) ensureBanner(task *event.Task) {
	if task == nil || task == t.taskShown {
		return
	}
	kind := "TASK"
	if task.Handler {
		kind = "RUNNING HANDLER"
	}
	t.taskBanner(kind, task)
}

// line prints one line of text from a run, cleaned of control
// characters, in colour c (nil: none).
func (t *Compact) line(c *color.Color, text string) {
	text = clean(text)
	if c != nil {
		text = c.Sprint(text)
	}
	t.buf.WriteString(text)
	t.buf.WriteByte('\n')
}

// failure prints the line of a failed or unreachable result, its
// headline after " => ", and the details under it.
func (t *Compact) failure(c *color.Color, prefix string, ev *event.Event) {
	f := describeFailure(ev)
	if f.head != "" {
		prefix += " => " + f.head
	}
	t.line(c, prefix)
	for _, d := range f.details {
		t.line(c, d)
	}
}

func (t *Compact) result(ev *event.Event) {
	host := hostLabel(ev)
	switch ev.Kind {
	case event.RunnerOK:
		if ev.IsInclude {
			return // the Include event says it: "included: FILE for HOSTS"
		}
		if ev.Loop {
			// the items said it all; ansible-playbook prints nothing more either
			return
		}
		st := ev.Status() // ok or changed
		line := fmt.Sprintf("%s: [%s]", st, host)
		if out := okOutput(ev); out != "" {
			line += " => " + out
		}
		t.line(t.c.status(st), line)
	case event.RunnerSkipped:
		t.line(t.c.skipped, fmt.Sprintf("skipping: [%s]", host))
	case event.RunnerFailed:
		t.failure(t.c.failed, fmt.Sprintf("fatal: [%s]: FAILED!", host), ev)
		switch ev.Disposition {
		case event.Rescued:
			t.line(t.c.rescued, "...rescued")
		case event.Ignored:
			t.line(t.c.ignored, "...ignoring")
		}
	case event.RunnerUnreach:
		t.failure(t.c.unreachable, fmt.Sprintf("fatal: [%s]: UNREACHABLE!", host), ev)
		if ev.IgnoreUnreachable {
			t.line(t.c.ignored, "...ignoring")
		}
	}
}

// warnings prints the warnings and deprecations of a result that were not
// printed before.
func (t *Compact) warnings(ev *event.Event) {
	for _, w := range resultWarnings(ev) {
		if t.warned[w.text] {
			continue
		}
		t.warned[w.text] = true
		c := t.c.warn
		if w.deprecation {
			c = t.c.deprecate
		}
		t.line(c, w.text)
	}
}

func (t *Compact) item(ev *event.Event) {
	host := hostLabel(ev)
	switch ev.Kind {
	case event.ItemOK:
		st := ev.Status() // ok or changed
		line := fmt.Sprintf("%s: [%s] => (item=%s)", st, host, ev.Item)
		if out := okOutput(ev); out != "" {
			line += " => " + out
		}
		t.line(t.c.status(st), line)
	case event.ItemSkipped:
		t.line(t.c.skipped, fmt.Sprintf("skipping: [%s] => (item=%s)", host, ev.Item))
	case event.ItemFailed:
		t.failure(t.c.failed, fmt.Sprintf("failed: [%s] (item=%s)", host, ev.Item), ev)
	}
}

func (t *Compact) diff(text string) {
	if text == "" {
		return
	}
	for _, line := range strings.SplitAfter(text, "\n") {
		if line == "" {
			continue
		}
		switch {
		case strings.HasPrefix(line, "+++") || strings.HasPrefix(line, "---"):
			t.buf.WriteString(line)
		case strings.HasPrefix(line, "+"):
			t.buf.WriteString(t.c.diffAdd.Sprint(line))
		case strings.HasPrefix(line, "-"):
			t.buf.WriteString(t.c.diffDel.Sprint(line))
		case strings.HasPrefix(line, "@@"):
			t.buf.WriteString(t.c.diffHunk.Sprint(line))
		default:
			t.buf.WriteString(line)
		}
	}
	if !strings.HasSuffix(text, "\n") {
		t.buf.WriteByte('\n')
	}
}

// recap prints the PLAY RECAP with Ansible's layout.
func (t *Compact) recap(s *event.Summary) {
	t.banner("PLAY RECAP")
	for _, h := range s.RecapHosts() {
		c := s.Recap(h)
		t.buf.WriteString(t.c.recapHost(c.Outcome()).Sprintf("%-26s", clean(h)) + " :")
		for _, st := range event.RecapStatuses() {
			t.buf.WriteString(" " + t.count(string(st), c.Count(st), t.c.status(st)))
		}
		t.buf.WriteByte('\n')
	}
	t.buf.WriteByte('\n')
}

func (t *Compact) count(name string, n int, c interface{ Sprintf(string, ...any) string }) string {
	s := fmt.Sprintf("%s=%-4d", name, n)
	if n == 0 {
		return s
	}
	return c.Sprintf("%s", s)
}

// drawStatus shows the running task, how many hosts are done with it, and
// the time since the run's first event.
func (t *Compact) drawStatus() {
	elapsed := t.now().Sub(t.firstEvent)
	fmt.Fprintf(&t.buf, "\r\x1b[K%s", t.c.dim.Sprintf("… %s — %d host(s) done, %s", t.statusTask, t.statusDone, event.FormatDuration(elapsed, event.DurationTerse)))
	t.status = true
}

// clearStatus erases the status line before anything else is printed.
func (t *Compact) clearStatus() {
	if t.status {
		t.buf.WriteString("\r\x1b[K")
		t.status = false
	}
}

func (t *Compact) flush() error {
	if t.buf.Len() == 0 {
		return nil
	}
	_, err := t.w.Write(t.buf.Bytes())
	return err
}

// prompts reports whether task may ask the user something on the terminal:
// no status line is drawn over it.
func prompts(task *event.Task) bool { return isAction(task, "pause") }

func taskName(task *event.Task) string {
	if task == nil {
		return ""
	}
	return task.Name
}

// hostLabel names a result's host as Ansible does: "web2 -> web1(127.0.0.1)"
// for a result delegated to web1 at that address.
func hostLabel(ev *event.Event) string {
	if ev.DelegatedTo == "" || ev.DelegatedTo == ev.Host {
		return ev.Host
	}
	label := ev.Host + " -> " + ev.DelegatedTo
	if ev.DelegatedHost != "" {
		label += "(" + ev.DelegatedHost + ")"
	}
	return label
}
