package report

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/testio"
	"github.com/ansible-tap/ansible-tap/runner"
)

var record = flag.Bool("record", false, "run the recordings' playbooks again and rewrite testdata/*.jsonl and *.cmd")

// recording is a real run whose event stream the golden tests replay.
type recording struct {
	name string
	args []string // ansible-playbook's arguments, run from the package directory
	// interruptAt is the task during which the run gets a SIGINT.
	interruptAt string
}

var recordings = []recording{
	{name: "mixed", args: []string{"-i", "testdata/inventory.ini", "testdata/mixed.yml"}},
	{name: "green", args: []string{"-i", "testdata/inventory.ini", "testdata/green.yml"}},
	{name: "interrupted", args: []string{"-i", "testdata/inventory.ini", "testdata/interrupted.yml"}, interruptAt: "Long task"},
}

// TestRecord runs the recordings' playbooks with -record and writes
// testdata/NAME.jsonl (the raw event stream) and testdata/NAME.cmd (the
// command, with the directory it ran in).
func TestRecord(t *testing.T) {
	if !*record {
		t.Skip("recording only with -record")
	}
	testio.RequireTool(t, "ansible-playbook")
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range recordings {
		t.Run(rec.name, func(t *testing.T) {
			var events bytes.Buffer
			signals := make(chan os.Signal, 1)
			s, err := runner.Run(context.Background(), runner.Options{
				Command: "ansible-playbook", Args: rec.args,
				Stdout: io.Discard, Stderr: io.Discard, Text: io.Discard,
				EventsFile: &events, Signals: signals,
				Handler: &interrupter{task: rec.interruptAt, signals: signals},
				Log:     zerolog.Nop(),
			})
			if err != nil {
				t.Fatal(err)
			}
			if rec.interruptAt != "" && !s.Interrupted {
				t.Fatalf("the run was not interrupted (exit code %d)", s.ExitCode)
			}
			cmd := fmt.Sprintf("cd %s && ansible-playbook %s\n", dir, strings.Join(rec.args, " "))
			if rec.interruptAt != "" {
				cmd = strings.TrimSuffix(cmd, "\n") + fmt.Sprintf("  # SIGINT during the task %q\n", rec.interruptAt)
			}
			writeTestFile(t, filepath.Join("testdata", rec.name+".jsonl"), events.Bytes())
			writeTestFile(t, filepath.Join("testdata", rec.name+".cmd"), []byte(cmd))
		})
	}
}

// interrupter sends SIGINT once, when a host starts the named task.
type interrupter struct {
	task    string
	signals chan<- os.Signal
	sent    bool
}

func (i *interrupter) Event(ev *event.Event, _ *event.Summary) error {
	if i.task != "" && !i.sent && ev.Kind == event.RunnerStart && ev.Task != nil && ev.Task.Name == i.task {
		i.sent = true
		i.signals <- syscall.SIGINT
	}
	return nil
}

func (i *interrupter) Finish(*event.Summary) error { return nil }

func writeTestFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// recordedDir is the directory a recording ran in, from its .cmd file: the
// base of the relative paths in the reports.
func recordedDir(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".cmd"))
	if err != nil {
		t.Fatal(err)
	}
	rest, ok := strings.CutPrefix(string(data), "cd ")
	dir, _, found := strings.Cut(rest, " && ")
	if !ok || !found {
		t.Fatalf("%s.cmd does not start with 'cd DIR && ': %q", name, data)
	}
	return dir
}
