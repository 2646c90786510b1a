// Command fleetreplay measures ansible-tap on a fleet's long run: it builds
// an events file of a million events (by default) from the recording
// testdata/fleet/fleet.jsonl, repeating its task blocks as new tasks, then
// times `jq -c .` over the file and `ansible-tap replay` of it in each
// output format and with every report, metric and notifier at once, and
// prints each one's time, its ratio to jq's, and its peak RSS.
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

	dir, err := os.MkdirTemp("", "fleetreplay")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "fleet.jsonl")
	size, err := build(*recording, file, *events)
	if err != nil {
		log.Fatal(err)
	}
	endpoint := discardServer()
	fmt.Printf("%d events, %.0f MB: %s\n\n", *events, float64(size)/1e6, file)
	fmt.Printf("%-44s %9s %9s %10s\n", "command", "seconds", "x jq", "peak RSS")

	jq := measure("jq -c .", "jq", "-c", ".", file)
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
		r := measure(c.name, *binary, args...)
		r.ratio = r.seconds / jq.seconds
		r.print()
	}
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
	w := bufio.NewWriterSize(f, 1<<20)
	if err := s.Write(w, events); err != nil {
		return 0, err
	}
	if err := w.Flush(); err != nil {
		return 0, err
	}
	info, err := f.Stat()
	f.Close()
	if err != nil {
		return 0, err
	}
	return info.Size(), nil
}

// discardServer answers every request on 127.0.0.1 at once, as a fast
// webhook or Slack endpoint would, and returns its URL.
func discardServer() string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	go http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
	}))
	return "http://" + l.Addr().String() + "/hook"
}

type result struct {
	name    string
	seconds float64
	ratio   float64
	maxRSS  int64 // KiB
}

func (r result) print() {
	ratio := "-"
	if r.ratio > 0 {
		ratio = fmt.Sprintf("%.2f", r.ratio)
	}
	fmt.Printf("%-44s %9.2f %9s %7.1f MiB\n", r.name, r.seconds, ratio, float64(r.maxRSS)/1024)
}

// measure runs a command with its output discarded, and returns its wall
// time and peak RSS. A failing command stops the benchmark, except for the
// exit code 2 of a replayed run with failed hosts.
func measure(name, command string, args ...string) result {
	cmd := exec.Command(command, args...)
	cmd.Stdout = io.Discard
	stderr := &capped{}
	cmd.Stderr = stderr
	start := time.Now()
	err := cmd.Run()
	elapsed := time.Since(start)
	if err != nil && cmd.ProcessState.ExitCode() != 2 {
		log.Fatalf("%s: %v\n%s", name, err, stderr.b)
	}
	r := result{name: name, seconds: elapsed.Seconds()}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		r.maxRSS = ru.Maxrss
	}
	if command == "jq" {
		r.print()
	}
	return r
}

// capped keeps the first 16 KiB written to it.
type capped struct{ b []byte }

func (c *capped) Write(p []byte) (int, error) {
	if room := 16<<10 - len(c.b); room > 0 {
		c.b = append(c.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}
