package render

import (
	"bufio"
	"encoding/json"
	"io"
	"time"

	"github.com/ansible-tap/ansible-tap/compare"
	"github.com/ansible-tap/ansible-tap/event"
)

// ComparisonSchemaVersion is the version of the comparison's JSON lines
// (`ansible-tap diff --format=jsonl`); it changes only when a field is
// removed or changes meaning.
const ComparisonSchemaVersion = 1

// The types of the comparison's records.
const (
	recordNewFailure    = "new_failure"
	recordFixed         = "fixed"
	recordStillFailing  = "still_failing"
	recordNotIdempotent = "not_idempotent"
	recordSlower        = "slower"
	recordHostAdded     = "host_added"
	recordHostRemoved   = "host_removed"
	recordTaskAdded     = "task_added"
	recordTaskRemoved   = "task_removed"
	recordRecap         = "recap"
	recordSummary       = "summary"
)

// comparisonRecord is one line of the comparison's JSON lines. Fields that
// do not apply to a record's type are left out.
type comparisonRecord struct {
	SchemaVersion int    `json:"schema_version"`
	Type          string `json:"type"`

	Task     string `json:"task,omitempty"`
	TaskPath string `json:"task_path,omitempty"`
	Play     string `json:"play,omitempty"`
	Handler  bool   `json:"handler,omitempty"`
	Host     string `json:"host,omitempty"`

	// Findings: the statuses, "" (left out) where the run did not run it.
	Before  event.Status `json:"before,omitempty"`
	After   event.Status `json:"after,omitempty"`
	Message string       `json:"message,omitempty"`
	NoLog   bool         `json:"no_log,omitempty"`
	Since   *jsonStreak  `json:"since,omitempty"`

	// Slower tasks.
	BeforeSeconds *float64 `json:"before_seconds,omitempty"`
	AfterSeconds  *float64 `json:"after_seconds,omitempty"`
	Ratio         float64  `json:"ratio,omitempty"`
}

// jsonRecap is a recap record: counts of both runs, null where absent.
type jsonRecap struct {
	SchemaVersion int               `json:"schema_version"`
	Type          string            `json:"type"`
	Host          string            `json:"host"`
	Before        *event.HostCounts `json:"before"`
	After         *event.HostCounts `json:"after"`
}

type jsonStreak struct {
	ID      string    `json:"id"`
	Start   time.Time `json:"start,omitzero"`
	Runs    int       `json:"runs"`
	Bounded bool      `json:"bounded"`
}

// jsonSummary is the last record.
type jsonSummary struct {
	SchemaVersion int        `json:"schema_version"`
	Type          string     `json:"type"`
	Baseline      jsonRun    `json:"baseline"`
	Run           jsonRun    `json:"run"`
	Counts        jsonCounts `json:"counts"`
	Regressions   int        `json:"regressions"`
	ExitCode      int        `json:"exit_code"`
	MatchedTasks  int        `json:"matched_tasks"`
	MovedTasks    int        `json:"moved_tasks"`
	Totals        struct {
		Before event.HostCounts `json:"before"`
		After  event.HostCounts `json:"after"`
	} `json:"totals"`
}

type jsonRun struct {
	ID              string        `json:"id,omitempty"`
	Start           time.Time     `json:"start,omitzero"`
	DurationSeconds float64       `json:"duration_seconds"`
	Outcome         event.Outcome `json:"outcome"`
	ExitCode        int           `json:"exit_code"`
	Interrupted     bool          `json:"interrupted"`
	Playbook        string        `json:"playbook,omitempty"`
	Check           bool          `json:"check"`
	AnsibleVersion  string        `json:"ansible_version,omitempty"`
	Hosts           int           `json:"hosts"`
	Tasks           int           `json:"tasks"`
}

// jsonCounts are compare.Counts with the names of the JSON lines: the same
// fields, in the same order, so that one converts to the other.
type jsonCounts struct {
	NewFailures   int `json:"new_failures"`
	Fixed         int `json:"fixed"`
	StillFailing  int `json:"still_failing"`
	NotIdempotent int `json:"not_idempotent"`
	Slower        int `json:"slower"`
	HostsAdded    int `json:"hosts_added"`
	HostsRemoved  int `json:"hosts_removed"`
	TasksAdded    int `json:"tasks_added"`
	TasksRemoved  int `json:"tasks_removed"`
}

// WriteComparisonJSONL writes a comparison as JSON lines, for scripts: a
// record per finding (a task on a host for new failures, fixed, still
// failing and not idempotent results; a task for slower, added and
// removed tasks; a host for added and removed hosts), then a recap record
// per host, then a summary record. Every record has schema_version and
// type; the README documents the schema.
func WriteComparisonJSONL(w io.Writer, c *compare.Comparison) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	encode := func(v any) error { return enc.Encode(v) }
	for _, list := range []struct {
		typ      string
		findings []compare.Finding
	}{
		{recordNewFailure, c.NewFailures}, {recordFixed, c.Fixed},
		{recordStillFailing, c.StillFailing}, {recordNotIdempotent, c.NotIdempotent},
	} {
		for _, f := range list.findings {
			r := taskRecord(list.typ, f.Task)
			r.Host, r.Before, r.After, r.Message, r.NoLog = f.Host, f.Before, f.After, f.Message, f.NoLog
			if s := f.Since; s != nil {
				r.Since = &jsonStreak{ID: s.ID, Start: s.Start.UTC(), Runs: s.Runs, Bounded: s.Bounded}
			}
			if err := encode(r); err != nil {
				return err
			}
		}
	}
	for _, s := range c.Slower {
		r := taskRecord(recordSlower, s.Task)
		before, after := s.Before.Seconds(), s.After.Seconds()
		r.BeforeSeconds, r.AfterSeconds, r.Ratio = &before, &after, s.Ratio()
		if err := encode(r); err != nil {
			return err
		}
	}
	for _, h := range c.HostsAdded {
		if err := encode(comparisonRecord{SchemaVersion: ComparisonSchemaVersion, Type: recordHostAdded, Host: h}); err != nil {
			return err
		}
	}
	for _, h := range c.HostsRemoved {
		if err := encode(comparisonRecord{SchemaVersion: ComparisonSchemaVersion, Type: recordHostRemoved, Host: h}); err != nil {
			return err
		}
	}
	for _, t := range c.TasksAdded {
		if err := encode(taskRecord(recordTaskAdded, t)); err != nil {
			return err
		}
	}
	for _, t := range c.TasksRemoved {
		if err := encode(taskRecord(recordTaskRemoved, t)); err != nil {
			return err
		}
	}
	for _, row := range c.Recap {
		if err := encode(jsonRecap{SchemaVersion: ComparisonSchemaVersion, Type: recordRecap, Host: row.Host, Before: row.Before, After: row.After}); err != nil {
			return err
		}
	}
	if err := encode(summaryRecord(c)); err != nil {
		return err
	}
	return bw.Flush()
}

func taskRecord(typ string, t compare.TaskRef) comparisonRecord {
	return comparisonRecord{SchemaVersion: ComparisonSchemaVersion, Type: typ, Task: t.Name, TaskPath: t.Path, Play: t.Play, Handler: t.Handler}
}

func summaryRecord(c *compare.Comparison) jsonSummary {
	s := jsonSummary{
		SchemaVersion: ComparisonSchemaVersion, Type: recordSummary,
		Baseline: runRecord(c.Base), Run: runRecord(c.Run), Counts: jsonCounts(c.Counts()),
		Regressions: c.Regressions(), ExitCode: c.ExitCode(), MatchedTasks: c.Matched, MovedTasks: c.Moved,
	}
	s.Totals.Before, s.Totals.After = c.BaseTotal, c.RunTotal
	return s
}

func runRecord(r compare.RunInfo) jsonRun {
	return jsonRun{
		ID: r.ID, Start: r.Start.UTC(), DurationSeconds: r.Duration.Seconds(), Outcome: r.Outcome, ExitCode: r.ExitCode,
		Interrupted: r.Interrupted, Playbook: r.Playbook, Check: r.Check, AnsibleVersion: r.AnsibleVersion,
		Hosts: r.Hosts, Tasks: r.Tasks,
	}
}
