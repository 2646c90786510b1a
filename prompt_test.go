package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/ansible-tap/ansible-tap/internal/testio"
)

// terminal is the screen of a pseudo-terminal that a test types into.
type terminal struct {
	mu     sync.Mutex
	screen bytes.Buffer
	grown  chan struct{} // signalled when the screen grows
}

// waitFor waits until the screen holds text after from, and returns where
// it ends. It gives up after a minute, so that a hung child fails the test
// instead of hanging it.
func (tt *terminal) waitFor(t *testing.T, text string, from int) int {
	t.Helper()
	at, ok := tt.seen(text, from, time.Minute)
	if !ok {
		t.Fatalf("no %q on the terminal; it shows:\n%s", text, tt.text())
	}
	return at
}

// answer types keys until the screen shows next after from, and returns
// where it ends. With raw it first waits until the program reads key by key,
// as pause does. It types again when nothing came for a few seconds, at
// most a few times: pause drops keys typed before it was ready.
func (tt *terminal) answer(t *testing.T, ptmx *os.File, keys, next string, from int, raw bool) int {
	t.Helper()
	for try := 0; try < 5; try++ {
		if raw {
			waitRaw(t, ptmx)
		}
		ptmx.Write([]byte(keys))
		if at, ok := tt.seen(next, from, 5*time.Second); ok {
			return at
		}
	}
	return tt.waitFor(t, next, from)
}

// seen waits up to within for text after from on the screen.
func (tt *terminal) seen(text string, from int, within time.Duration) (int, bool) {
	deadline := time.After(within)
	for {
		tt.mu.Lock()
		i := strings.Index(tt.screen.String()[from:], text)
		tt.mu.Unlock()
		if i >= 0 {
			return from + i + len(text), true
		}
		select {
		case <-tt.grown:
		case <-deadline:
			return 0, false
		}
	}
}

func (tt *terminal) text() string {
	tt.mu.Lock()
	defer tt.mu.Unlock()
	return tt.screen.String()
}

// TestPromptsOnATerminal runs a playbook with vars_prompt and pause prompts
// through ansible-tap on a pseudo-terminal, answers them as a user would,
// and checks that Ansible got the answers and sized its banners to the
// terminal: with and without --events-file, which gives ansible-playbook a
// pseudo-terminal of ansible-tap's own.
func TestPromptsOnATerminal(t *testing.T) {
	ansiblePlaybook := testio.RequireTool(t, "ansible-playbook")
	tap := buildTap(t)
	for _, record := range []bool{false, true} {
		name := map[bool]string{false: "direct", true: "recorded"}[record]
		t.Run(name, func(t *testing.T) {
			args := []string{"--ansible-playbook", ansiblePlaybook, "-i", "testdata/inventory/local.ini", "testdata/playbooks/prompt.yml"}
			events := filepath.Join(t.TempDir(), "events.jsonl")
			if record {
				args = append(args, "--events-file", events)
			}
			cmd := exec.Command(tap, args...)
			ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 40, Cols: 120})
			if err != nil {
				t.Fatal(err)
			}
			defer ptmx.Close()
			tt := &terminal{grown: make(chan struct{}, 1)}
			go func() {
				buf := make([]byte, 4096)
				for {
					n, err := ptmx.Read(buf)
					tt.mu.Lock()
					tt.screen.Write(buf[:n])
					tt.mu.Unlock()
					select {
					case tt.grown <- struct{}{}:
					default:
					}
					if err != nil {
						return
					}
				}
			}()
			// Each prompt shows before its answer is typed: it ends no line.
			// pause reads keys in raw mode and, on newer ansible-core, drops
			// what was typed before it was ready: as a user who sees nothing
			// happen, the test types the answer again.
			at := tt.waitFor(t, "Your favourite colour:", 0)
			at = tt.answer(t, ptmx, "blue\r", "Press enter to go on", at, false)
			at = tt.answer(t, ptmx, "\r", "Say a word", at, true)
			at = tt.answer(t, ptmx, "tapped\r", "colour=blue word=tapped", at, true)
			tt.waitFor(t, "PLAY RECAP", at)
			if err := cmd.Wait(); err != nil {
				var ee *exec.ExitError
				if !errors.As(err, &ee) {
					t.Fatal(err)
				}
				t.Errorf("ansible-tap exited %d; the terminal shows:\n%s", ee.ExitCode(), tt.text())
			}
			// Ansible fits its banners to the terminal's width, 120 columns.
			recap := ""
			for _, line := range strings.Split(strings.ReplaceAll(tt.text(), "\r", ""), "\n") {
				if strings.HasPrefix(stripANSI(line), "PLAY RECAP") {
					recap = stripANSI(line)
				}
			}
			if len(recap) != 120 {
				t.Errorf("the PLAY RECAP banner is %d columns wide, want the terminal's 120: %q", len(recap), recap)
			}
			if !record {
				return
			}
			// The replay shows what the user saw, the prompts included.
			var stdout, stderr bytes.Buffer
			if code := run([]string{"ansible-tap", "replay", "--no-summary", events}, strings.NewReader(""), &stdout, &stderr); code != 0 {
				t.Errorf("the replay exited %d", code)
			}
			for _, want := range []string{"Your favourite colour:", "Press enter to go on", "colour=blue word=tapped"} {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("the replay does not show %q:\n%s", want, stdout.String())
				}
			}
		})
	}
}

var ansiEscape = regexp.MustCompile("\x1b\\[[0-9;]*[a-zA-Z]")

// stripANSI removes colours and cursor movements from a line of the terminal.
func stripANSI(s string) string { return ansiEscape.ReplaceAllString(s, "") }

// waitRaw waits until the program on the pseudo-terminal reads it key by
// key (canonical mode off), as pause does while it waits for an answer. It
// gives up after a minute.
func waitRaw(t *testing.T, ptmx *os.File) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		tio, err := unix.IoctlGetTermios(int(ptmx.Fd()), unix.TCGETS)
		if err != nil {
			t.Fatalf("reading the terminal's mode: %v", err)
		}
		if tio.Lflag&unix.ICANON == 0 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the terminal never went raw: nothing reads keys")
}
