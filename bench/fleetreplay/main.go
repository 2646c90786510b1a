// Command fleetreplay measures ansible-tap on a fleet's long run: it builds
// an events file of a million events (by default) from the recording
// testdata/fleet/fleet.jsonl, repeating its task blocks as new tasks, then
// times `jq -c .` over the file and `ansible-tap replay` of it in each
// output format and with every report, metric and notifier at once, and
// prints each one's time, its ratio to jq's, and its peak RSS. "Every
// output" is the file reports, Prometheus and the notifiers (to a local
// endpoint); the HTML report, which keeps every result, and OTLP, which
// needs a collector, are left out.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	"github.com/ansible-tap/ansible-tap/internal/fleetstream"
)

func main() {
	binary := flag.String("binary", "./ansible-tap", "the ansible-tap binary")
	events := flag.Int("events", 1_000_000, "events in the generated run")
	recording := flag.String("recording", "testdata/fleet/fleet.jsonl", "the recorded run to repeat")
	flag.Parse()
	log.SetFlags(0)
	if err := bench(*binary, *recording, *events); err != nil {
		log.Fatal(err)
	}
}

// bench builds the run in a temporary directory, which it removes, and
// prints the table.
func bench(binary, recording string, events int) error {
	dir, err := os.MkdirTemp("", "fleetreplay")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "fleet.jsonl")
	size, err := build(recording, file, events)
	if err != nil {
		return err
	}
	endpoint, err := discardServer()
	if err != nil {
		return err
	}
	fmt.Printf("%d events, %.0f MB: %s\n\n", events, float64(size)/1e6, file)
	fmt.Printf("%-62s %8s %6s %10s\n", "command", "seconds", "x jq", "peak RSS")

	jq, err := measure("jq -c .", "jq", "-c", ".", file)
	if err != nil {
		return err
	}
	jq.print()
	for _, c := range []struct {
		name string
		args []string
	}{
		{"replay (ansible format)", nil},
		{"replay --format=compact", []string{"--format=compact"}},
		{"replay --format=jsonl", []string{"--format=jsonl"}},
		{"replay --format=table", []string{"--format=table"}},
		{"replay --format=jsonl + junit, summary, prom, webhook, slack", []string{"--format=jsonl",
			"--junit-file", filepath.Join(dir, "junit.xml"), "--summary-file", filepath.Join(dir, "summary.md"),
			"--prom-file", filepath.Join(dir, "ansible.prom"), "--webhook", endpoint, "--slack", endpoint}},
	} {
		args := append([]string{"replay", file, "--no-color"}, c.args...)
		r, err := measure(c.name, binary, args...)
		if err != nil {
			return err
		}
		r.ratio = r.seconds / jq.seconds
		r.print()
	}
	return nil
}

// build writes the generated run to file and returns its size.
func build(recording, file string, events int) (int64, error) {
	data, err := os.ReadFile(recording)
	if err != nil {
		return 0, err
	}
	s, err := fleetstream.Parse(data)
	if err != nil {
		return 0, err
	}
	f, err := os.Create(file)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	if err := s.Write(w, events); err != nil {
		return 0, err
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	info, err := f.Stat()
	if err != nil {
		return 0, err
	}
	return info.Size(), f.Close()
}

// discardServer answers every request on 127.0.0.1 at once, as a fast
// webhook or Slack endpoint would, and returns its URL.
func discardServer() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	go http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
	}))
	return "http://" + l.Addr().String() + "/hook", nil
}

type result struct {
	name    string
	seconds float64
	ratio   float64
	maxRSS  int64 // KiB, as Linux reports it
}

func (r result) print() {
	ratio := "-"
	if r.ratio > 0 {
		ratio = fmt.Sprintf("%.2f", r.ratio)
	}
	fmt.Printf("%-62s %8.2f %6s %6.1f MiB\n", r.name, r.seconds, ratio, float64(r.maxRSS)/1024)
}

// measure runs a command with its output going to /dev/null, and returns
// its wall time and peak RSS. A failing command is an error, except for
// the exit code 2 of a replayed run with failed hosts.
func measure(name, command string, args ...string) (result, error) {
	cmd := exec.Command(command, args...) // no Stdout: /dev/null, with no copy in between
	stderr := &capped{}
	cmd.Stderr = stderr
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	if err != nil && (cmd.ProcessState == nil || cmd.ProcessState.ExitCode() != 2) {
		return result{}, fmt.Errorf("%s: %v\n%s", name, err, stderr.b)
	}
	r := result{name: name, seconds: elapsed.Seconds()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = ru.Maxrss
	}
	return r, nil
}

// capped keeps the first 16 KiB written to it.
type capped struct{ b []byte }

func (c *capped) Write(p []byte) (int, error) {
	if room := 16<<10 - len(c.b); room > 0 {
		c.b = append(c.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}
