package render

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/google/go-cmp/cmp"
)

// tailSummary is a finished run with a failure of every disposition, and
// a host and a task whose names hold control characters.
func tailSummary(failures int) *event.Summary {
	t0 := time.Unix(1000, 0)
	play := &event.Play{ID: "p", Name: "web"}
	deploy := &event.Task{ID: "t1", Name: "deploy", Path: "site.yml:3"}
	check := &event.Task{ID: "t2", Name: "check\x1b[2J", Path: "site.yml:9"}
	evs := []*event.Event{
		{Kind: event.PlayStart, Time: t0, Play: play},
		{Kind: event.TaskStart, Time: t0, Play: play, Task: deploy},
		{Kind: event.RunnerFailed, Time: t0.Add(2 * time.Second), Play: play, Task: deploy, Host: "web1", Result: &event.Result{Failed: true}, Disposition: event.Fatal},
		{Kind: event.RunnerFailed, Time: t0.Add(2 * time.Second), Play: play, Task: deploy, Host: "web2", Result: &event.Result{Failed: true}, Disposition: event.Ignored},
		{Kind: event.RunnerUnreach, Time: t0.Add(3 * time.Second), Play: play, Task: deploy, Host: "db\r1", Result: &event.Result{Unreachable: true}},
		{Kind: event.TaskStart, Time: t0.Add(3 * time.Second), Play: play, Task: check},
		{Kind: event.RunnerOK, Time: t0.Add(3500 * time.Millisecond), Play: play, Task: check, Host: "web2", Result: &event.Result{}},
	}
	for i := 0; i < failures; i++ {
		evs = append(evs, &event.Event{Kind: event.RunnerFailed, Time: t0.Add(4 * time.Second), Play: play, Task: check,
			Host: fmt.Sprintf("web%d", i+3), Result: &event.Result{Failed: true}, Disposition: event.Rescued})
	}
	s := event.NewSummary()
	for _, ev := range evs {
		s.Add(ev)
	}
	return s
}

func TestWriteRunTail(t *testing.T) {
	var out bytes.Buffer
	if err := WriteRunTail(&out, tailSummary(1), Options{}); err != nil {
		t.Fatal(err)
	}
	want := "Duration: 4.0s\n" +
		"Failed tasks:\n" +
		"  fatal        web1   deploy (site.yml:3)\n" +
		"  ignored      web2   deploy (site.yml:3)\n" +
		"  unreachable  db\\r1  deploy (site.yml:3)\n" +
		"  rescued      web3   check\\x1b[2J (site.yml:9)\n" +
		"Slowest tasks:\n" +
		"      3.0s  deploy (site.yml:3)\n" +
		"      1.0s  check\\x1b[2J (site.yml:9)\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// A run with many failures lists the first ones and counts the others,
// also those that the Summary only counted.
func TestWriteRunTailCutsLongFailureLists(t *testing.T) {
	for _, c := range []struct {
		rescued int
		more    string
	}{
		{30, "13"},     // 33 failures, 20 listed
		{1100, "1083"}, // 1,103 failures: 1,002 kept (2 fatal, 1,000 handled), 101 counted
	} {
		t.Run(fmt.Sprint(c.rescued), func(t *testing.T) {
			var out bytes.Buffer
			WriteRunTail(&out, tailSummary(c.rescued), Options{})
			got := out.String()
			if n := strings.Count(got, "  rescued "); n != failuresShown-3 {
				t.Errorf("%d rescued failures listed, want %d:\n%s", n, failuresShown-3, got)
			}
			if !strings.Contains(got, "\n  … "+c.more+" more\nSlowest tasks:\n") {
				t.Errorf("no count of the %s failures left out:\n%s", c.more, got)
			}
		})
	}
}

// Colour changes nothing but the escape codes.
func TestWriteRunTailColor(t *testing.T) {
	var plain, colored bytes.Buffer
	WriteRunTail(&plain, tailSummary(1), Options{})
	WriteRunTail(&colored, tailSummary(1), Options{Color: true})
	if !bytes.Contains(colored.Bytes(), []byte("\x1b[31mfatal")) {
		t.Errorf("no colour with color on:\n%q", colored.String())
	}
	if diff := cmp.Diff(plain.String(), string(ansiEscape.ReplaceAll(colored.Bytes(), nil))); diff != "" {
		t.Errorf("colour changed more than escapes (-plain +stripped):\n%s", diff)
	}
}

// A run without failures has no list of them.
func TestWriteRunTailWithoutFailures(t *testing.T) {
	s := event.NewSummary()
	s.Add(&event.Event{Kind: event.RunnerOK, Time: time.Unix(1, 0), Host: "a", Result: &event.Result{}})
	var out bytes.Buffer
	WriteRunTail(&out, s, Options{})
	if got := out.String(); got != "Duration: 0s\n" {
		t.Errorf("got %q", got)
	}
}
