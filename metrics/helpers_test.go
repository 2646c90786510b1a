package metrics

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/golden"
	"github.com/ansible-tap/ansible-tap/internal/testio"
	"github.com/ansible-tap/ansible-tap/runner"
)

// update is -update: the golden tests record their streams again first.
var update = golden.Update

// runPlaybook runs a playbook of testdata against testdata/inventory.yml.
func runPlaybook(t *testing.T, playbook string, h event.Handler, signals <-chan os.Signal, events io.Writer) *event.Summary {
	t.Helper()
	testio.RequireTool(t, "ansible-playbook")
	s, err := runner.Run(context.Background(), runner.Options{
		Command: "ansible-playbook",
		Args:    []string{"-i", filepath.Join("testdata", "inventory.yml"), filepath.Join("testdata", playbook)},
		Stdout:  io.Discard, Stderr: io.Discard, Handler: h, Signals: signals, EventsFile: events,
		Log: zerolog.Nop(),
	})
	if err != nil {
		t.Fatalf("running %s: %v", playbook, err)
	}
	return s
}

// replayStream replays a recorded stream of testdata into h.
func replayStream(t *testing.T, name string, h event.Handler) *event.Summary {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	s, err := event.Replay(bytes.NewReader(data), h, io.Discard, zerolog.Nop())
	if err != nil {
		t.Fatalf("replaying %s: %v", name, err)
	}
	return s
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startDaemon starts a program for the duration of the test and waits,
// within a bounded number of attempts, until url answers.
func startDaemon(t *testing.T, url string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(testio.RequireTool(t, name), args...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	client := &http.Client{Timeout: time.Second}
	for range 100 {
		select {
		case <-exited:
			t.Fatalf("%s exited: %s", name, stderr.String())
		default:
		}
		if resp, err := client.Get(url); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s did not answer on %s: %s", name, url, stderr.String())
}

// httpGet returns the body at url.
func httpGet(t *testing.T, url string) string {
	t.Helper()
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", url, resp.Status, body)
	}
	return string(body)
}

// anonymise replaces the absolute testdata directory in a recorded stream
// with "testdata", so that the recording does not depend on the checkout.
func anonymise(t *testing.T, data []byte) []byte {
	t.Helper()
	abs, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	return []byte(strings.ReplaceAll(string(data), abs, "testdata"))
}
