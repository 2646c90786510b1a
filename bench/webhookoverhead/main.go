// Command webhookoverhead measures what --webhook costs a run: it runs a
// localhost playbook (4 hosts x 25 tasks by default) with ansible-tap,
// alternately without notifiers and with --webhook (all events) to a local
// endpoint that answers each delivery after a delay, checks that every
// event of every notified run arrived exactly once, and prints the
// wall-time ratio, the spread of the pairs' ratios and the event rate.
// Tasks run a command (-tasks command, today's mode) or are debug tasks,
// which emit events as fast as Ansible can (-tasks debug); -batch lets the
// webhook post a backlog in batches (--webhook-batch).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	binary := flag.String("binary", "./ansible-tap", "the ansible-tap binary")
	runs := flag.Int("runs", 8, "runs of each kind, in alternating order")
	delay := flag.Duration("delay", 200*time.Millisecond, "the endpoint answers each delivery after this delay")
	hosts := flag.Int("hosts", 4, "inventory hosts (all local)")
	tasks := flag.Int("tasks", 25, "tasks in the playbook")
	kind := flag.String("kind", "command", "what the tasks do: command (run /bin/true) or debug (fast)")
	batch := flag.Bool("batch", false, "let the webhook batch a backlog (--webhook-batch)")
	forks := flag.Int("forks", 5, "ansible-playbook --forks")
	flag.Parse()
	b := bench{binary: *binary, runs: *runs, delay: *delay, hosts: *hosts, tasks: *tasks, kind: *kind, batch: *batch, forks: *forks}
	if err := b.run(); err != nil {
		fmt.Fprintln(os.Stderr, "webhookoverhead:", err)
		os.Exit(1)
	}
}

// bench is one measurement's settings.
type bench struct {
	binary       string
	runs         int
	delay        time.Duration
	hosts, tasks int
	kind         string
	batch        bool
	forks        int
}

func (b bench) run() error {
	binary, runs := b.binary, b.runs
	dir, err := os.MkdirTemp("", "webhookoverhead")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	inventory, playbook, err := writePlaybook(dir, b.hosts, b.tasks, b.kind)
	if err != nil {
		return err
	}
	rec := newRecorder(b.delay)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: rec}
	go srv.Serve(l)
	defer srv.Close()
	url := "http://" + l.Addr().String() + "/ansible"
	plainArgs := []string{"--forks", strconv.Itoa(b.forks)}
	hook := slices.Concat(plainArgs, []string{"--webhook", url, "--webhook-events", "all"})
	if b.batch {
		hook = append(hook, "--webhook-batch")
	}

	// One unmeasured run warms the caches; then the order alternates, so
	// that neither kind of run always goes first.
	if _, err := timeRun(binary, playbook, inventory, plainArgs...); err != nil {
		return err
	}
	var plain, notified []time.Duration
	for i := 0; i < runs; i++ {
		var p, n time.Duration
		if i%2 == 0 {
			if p, err = timeRun(binary, playbook, inventory, plainArgs...); err == nil {
				n, err = timeRun(binary, playbook, inventory, hook...)
			}
		} else {
			if n, err = timeRun(binary, playbook, inventory, hook...); err == nil {
				p, err = timeRun(binary, playbook, inventory, plainArgs...)
			}
		}
		if err != nil {
			return err
		}
		plain, notified = append(plain, p), append(notified, n)
		fmt.Printf("run %d: without %6.2fs  with --webhook %6.2fs\n", i+1, p.Seconds(), n.Seconds())
	}
	events, err := rec.check(runs)
	if err != nil {
		return err
	}
	mean := sum(notified).Seconds() / sum(plain).Seconds()
	med := median(notified).Seconds() / median(plain).Seconds()
	var pairs []time.Duration // each pair's ratio, in thousandths
	for i := range plain {
		pairs = append(pairs, time.Duration(1000*notified[i].Seconds()/plain[i].Seconds()))
	}
	sort.Slice(pairs, func(i, j int) bool { return pairs[i] < pairs[j] })
	rate := float64(events) / median(plain).Seconds()
	fmt.Printf("webhook overhead (%d hosts x %d %s tasks, --forks %d, endpoint delay %s, batch %t, %d runs each): ratio %.3f (mean), %.3f (median), pairs %.3f to %.3f; %d events a run (%.0f events/s without the webhook), all delivered once, in %d requests a run\n",
		b.hosts, b.tasks, b.kind, b.forks, b.delay, b.batch, runs, mean, med, float64(pairs[0])/1000, float64(pairs[len(pairs)-1])/1000,
		events, rate, rec.requests/runs)
	return nil
}

// writePlaybook writes an inventory of local hosts and a playbook of tasks
// that each run a command or, of kind debug, print a message.
func writePlaybook(dir string, hosts, tasks int, kind string) (inventory, playbook string, err error) {
	action := "ansible.builtin.command: /bin/true\n      changed_when: false"
	switch kind {
	case "debug":
		action = "ansible.builtin.debug:\n        msg: step"
	case "command":
	default:
		return "", "", fmt.Errorf("-kind %q: want command or debug", kind)
	}
	var inv strings.Builder
	for i := 1; i <= hosts; i++ {
		fmt.Fprintf(&inv, "bench%02d ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n", i)
	}
	var pb strings.Builder
	pb.WriteString("- name: Benchmark\n  hosts: all\n  gather_facts: false\n  tasks:\n")
	for i := 1; i <= tasks; i++ {
		fmt.Fprintf(&pb, "    - name: Step %d\n      %s\n", i, action)
	}
	inventory, playbook = filepath.Join(dir, "hosts.ini"), filepath.Join(dir, "bench.yml")
	if err := os.WriteFile(inventory, []byte(inv.String()), 0o644); err != nil {
		return "", "", err
	}
	return inventory, playbook, os.WriteFile(playbook, []byte(pb.String()), 0o644)
}

func timeRun(binary, playbook, inventory string, extra ...string) (time.Duration, error) {
	args := append([]string{playbook, "-i", inventory}, extra...)
	cmd := exec.Command(binary, args...)
	cmd.Env = withoutNotifiers(os.Environ())
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if err != nil {
		return d, fmt.Errorf("%s %s: %v", binary, strings.Join(args, " "), err)
	}
	return d, nil
}

// recorder is the endpoint: it answers after the delay and records the
// sequence numbers it received, by run, a batch's one by one.
type recorder struct {
	delay    time.Duration
	mu       sync.Mutex
	runs     map[string]*runEvents
	requests int
}

type runEvents struct {
	seqs  map[int64]bool
	twice int64 // a sequence number received again
	end   int64 // the sequence number of playbook_end
}

// payload is what the recorder reads of a payload.
type payload struct {
	EventType  string `json:"event_type"`
	PlaybookID string `json:"playbook_id"`
	Sequence   int64  `json:"sequence"`
}

func newRecorder(delay time.Duration) *recorder {
	return &recorder{delay: delay, runs: make(map[string]*runEvents)}
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	var ps []payload
	var err error
	if req.Header.Get("X-Ansible-Tap-Event") == "batch" {
		err = json.NewDecoder(req.Body).Decode(&ps)
	} else {
		ps = make([]payload, 1)
		err = json.NewDecoder(req.Body).Decode(&ps[0])
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	time.Sleep(r.delay)
	r.mu.Lock()
	r.requests++
	for _, p := range ps {
		ev, ok := r.runs[p.PlaybookID]
		if !ok {
			ev = &runEvents{seqs: make(map[int64]bool)}
			r.runs[p.PlaybookID] = ev
		}
		if ev.seqs[p.Sequence] {
			ev.twice = p.Sequence
		}
		ev.seqs[p.Sequence] = true
		if p.EventType == "playbook_end" {
			ev.end = p.Sequence
		}
	}
	r.mu.Unlock()
	io.WriteString(w, "ok")
}

// check verifies that each of the runs delivered every event once, 1 to
// its playbook_end, and returns the number of events of a run.
func (r *recorder) check(runs int) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.runs) != runs {
		return 0, fmt.Errorf("the endpoint saw %d runs, want %d", len(r.runs), runs)
	}
	events := 0
	for id, ev := range r.runs {
		if ev.end == 0 {
			return 0, fmt.Errorf("run %s: no playbook_end received", id)
		}
		if ev.twice != 0 {
			return 0, fmt.Errorf("run %s: event %d received twice", id, ev.twice)
		}
		for s := int64(1); s <= ev.end; s++ {
			if !ev.seqs[s] {
				return 0, fmt.Errorf("run %s: event %d of %d not delivered", id, s, ev.end)
			}
		}
		events = int(ev.end)
	}
	return events, nil
}

func sum(ds []time.Duration) time.Duration {
	var t time.Duration
	for _, d := range ds {
		t += d
	}
	return t
}

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// withoutNotifiers is env without the variables that would turn a notifier
// on: the baseline must run without any, whatever the shell has set.
func withoutNotifiers(env []string) []string {
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "SLACK_WEBHOOK_URL", "ANSIBLE_TAP_SLACK_WEBHOOK", "ANSIBLE_TAP_WEBHOOK_URL", "ANSIBLE_WEBHOOK_URL",
			"ANSIBLE_TAP_PROM_FILE", "ANSIBLE_TAP_PROM_PUSH", "ANSIBLE_TAP_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT",
			"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "GITHUB_STEP_SUMMARY":
			continue
		}
		out = append(out, kv)
	}
	return out
}
