package fleetstream

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
)

// Fleet is the shape of a run that WriteFleet builds: more hosts than the
// recording's, each a copy of one of its hosts under a name of its own,
// and more tasks, each a copy of one of its tasks under an id of its own.
type Fleet struct {
	Hosts, Tasks int
	// Shift gives host i the recorded results of the recording's host
	// i+Shift (modulo its hosts): a second run whose hosts fare otherwise.
	Shift int
}

// hostField finds the host a result line is about.
var hostField = regexp.MustCompile(`"host":"([^"]+)"`)

// fleetTask is one of the recording's tasks: its start, and its lines
// about hosts, each with the index of its host in the recording.
type fleetTask struct {
	start []byte
	id    []byte
	lines [][]byte
	hosts []int
}

// FleetHost names the ith host (from 0) of a run that WriteFleet builds.
func FleetHost(i int) string { return fmt.Sprintf("node%04d", i+1) }

// WriteFleet writes a run of f.Hosts hosts and f.Tasks tasks built from
// the recording: its head; each task's start once, then its hosts' lines
// (starts and results) for every group of as many hosts as the recording
// has, each line's host renamed wherever it appears (the result's host, its
// key, its messages and paths); then stats that count every host's results
// as Ansible does, and the recording's end. The recording's timestamps are
// kept, so the run's tasks last what the recorded ones did. The recording's
// results must be ok, skipped, failed (ignored or not) or unreachable.
func (s *Stream) WriteFleet(w io.Writer, f Fleet) error {
	tasks, hosts, err := s.fleetTasks()
	if err != nil {
		return err
	}
	if f.Hosts <= 0 || f.Tasks <= 0 {
		return errors.New("fleetstream: a fleet needs hosts and tasks")
	}
	counts := make([]hostCounts, f.Hosts)
	for _, l := range s.head {
		if _, err := w.Write(l); err != nil {
			return err
		}
	}
	var id [12]byte
	var line []byte
	for n := 0; n < f.Tasks; n++ {
		t := tasks[n%len(tasks)]
		newID := t.id
		if rep := n / len(tasks); rep > 0 {
			newID = append(append([]byte(nil), t.id[:len(t.id)-12]...), fmt.Appendf(id[:0], "%012x", 1<<32+rep*len(tasks)+n%len(tasks))...)
		}
		if _, err := w.Write(bytes.ReplaceAll(t.start, t.id, newID)); err != nil {
			return err
		}
		for group := 0; group*len(hosts) < f.Hosts; group++ {
			for i, l := range t.lines {
				// The recorded host r is host k of the group, k+Shift ≡ r.
				k := group*len(hosts) + ((t.hosts[i]-f.Shift)%len(hosts)+len(hosts))%len(hosts)
				if k >= f.Hosts {
					continue
				}
				line = bytes.ReplaceAll(l, t.id, newID)
				line = bytes.ReplaceAll(line, []byte(hosts[t.hosts[i]]), []byte(FleetHost(k)))
				if err := counts[k].add(l); err != nil {
					return err
				}
				if _, err := w.Write(line); err != nil {
					return err
				}
			}
		}
	}
	stats := make(map[string]hostCounts, f.Hosts)
	for k, c := range counts {
		stats[FleetHost(k)] = c
	}
	for _, l := range s.tail {
		if bytes.Contains(l, []byte(`"_event":"v2_playbook_on_stats"`)) {
			var err error
			if l, err = withStats(l, stats); err != nil {
				return err
			}
		}
		if _, err := w.Write(l); err != nil {
			return err
		}
	}
	return nil
}

// fleetTasks splits the recording's block into its tasks, and lists its
// hosts in the order they first appear.
func (s *Stream) fleetTasks() ([]fleetTask, []string, error) {
	var tasks []fleetTask
	var hosts []string
	index := make(map[string]int)
	for _, l := range s.block {
		if bytes.Contains(l, taskStart) {
			m := taskID.FindSubmatch(l)
			if m == nil || len(m[1]) < 12 {
				return nil, nil, fmt.Errorf("fleetstream: a task start without an id of 12 characters or more: %.200s", l)
			}
			tasks = append(tasks, fleetTask{start: l, id: m[1]})
			continue
		}
		m := hostField.FindSubmatch(l)
		if m == nil || len(tasks) == 0 {
			return nil, nil, fmt.Errorf("fleetstream: a line of the task block names no host: %.200s", l)
		}
		h, ok := index[string(m[1])]
		if !ok {
			h = len(hosts)
			index[string(m[1])] = h
			hosts = append(hosts, string(m[1]))
		}
		t := &tasks[len(tasks)-1]
		t.lines = append(t.lines, l)
		t.hosts = append(t.hosts, h)
	}
	if len(tasks) == 0 || len(hosts) == 0 {
		return nil, nil, errors.New("fleetstream: the recording has no task on any host")
	}
	return tasks, hosts, nil
}

// hostCounts are a host's recap counts, with the names of Ansible's stats.
type hostCounts struct {
	OK          int `json:"ok"`
	Failures    int `json:"failures"`
	Unreachable int `json:"unreachable"`
	Changed     int `json:"changed"`
	Skipped     int `json:"skipped"`
	Rescued     int `json:"rescued"`
	Ignored     int `json:"ignored"`
}

// add counts a recorded line as Ansible's strategy counts its result.
func (c *hostCounts) add(line []byte) error {
	has := func(s string) bool { return bytes.Contains(line, []byte(s)) }
	changed := has(`"changed":true`)
	switch {
	case has(`"_event":"v2_runner_on_start"`):
	case has(`"_event":"v2_runner_on_ok"`):
		c.OK++
		if changed {
			c.Changed++
		}
	case has(`"_event":"v2_runner_on_skipped"`):
		c.Skipped++
	case has(`"_event":"v2_runner_on_failed"`) && has(`"ignore_errors":true`):
		c.OK++
		c.Ignored++
		if changed {
			c.Changed++
		}
	case has(`"_event":"v2_runner_on_failed"`) && has(`"rescued":true`):
		c.Rescued++
	case has(`"_event":"v2_runner_on_failed"`):
		c.Failures++
	case has(`"_event":"v2_runner_on_unreachable"`) && !has(`"ignore_unreachable":true`):
		c.Unreachable++
	default:
		return fmt.Errorf("fleetstream: a result WriteFleet cannot count: %.200s", line)
	}
	return nil
}

// withStats returns the stats line with stats in place of its own.
func withStats(line []byte, stats map[string]hostCounts) ([]byte, error) {
	var record map[string]json.RawMessage
	if err := json.Unmarshal(line, &record); err != nil {
		return nil, fmt.Errorf("fleetstream: the stats line: %w", err)
	}
	b, err := json.Marshal(stats)
	if err != nil {
		return nil, err
	}
	record["stats"] = b
	out, err := json.Marshal(record)
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}
