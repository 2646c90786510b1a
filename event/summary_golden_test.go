package event

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/internal/golden"
)

// summaryView is what a Summary says about a run, without the pointers:
// the form of testdata/golden/NAME.summary.json.
type summaryView struct {
	Outcome     Outcome               `json:"outcome"`
	ExitCode    int                   `json:"exit_code"`
	Complete    bool                  `json:"complete"`
	Interrupted bool                  `json:"interrupted"`
	Duration    string                `json:"duration"`
	Plays       []string              `json:"plays"`
	Derived     map[string]HostCounts `json:"derived"`
	Reported    map[string]HostCounts `json:"reported"`
	Failures    []string              `json:"failures"`
	Tasks       []string              `json:"tasks"`
}

func viewOf(s *Summary) summaryView {
	v := summaryView{
		Outcome: s.Outcome(), ExitCode: s.ExitCode, Complete: s.Complete, Interrupted: s.Interrupted,
		Duration: s.Duration().String(), Derived: map[string]HostCounts{}, Reported: s.Reported,
	}
	for _, p := range s.Plays {
		v.Plays = append(v.Plays, p.Name)
	}
	for h, c := range s.Counts {
		v.Derived[h] = *c
	}
	for _, f := range s.Failures {
		kind := "failed"
		if f.Unreachable {
			kind = "unreachable"
		}
		v.Failures = append(v.Failures, fmt.Sprintf("%s [%s] %s (%s, no_log=%t): %s", kind, f.Host, f.Task.Name, f.Disposition, f.NoLog, f.Message))
	}
	for _, t := range s.Tasks {
		var results []string
		for _, r := range t.Results {
			res := r.Host + "=" + string(r.Status)
			if r.Items > 0 {
				res += fmt.Sprintf("(%d items)", r.Items)
			}
			results = append(results, res)
		}
		v.Tasks = append(v.Tasks, fmt.Sprintf("%s [%s] %s", t.Task.Name, t.Duration(), strings.Join(results, " ")))
	}
	return v
}

// keepAll is a ResultKeeper that does nothing else, so that the Summary
// keeps every result for the golden files.
type keepAll struct{ Handler }

func (keepAll) KeepsResults() bool { return true }

// TestSummaryGolden replays every recorded stream of ../testdata/streams,
// and every recording of the stock ansible.posix.jsonl and ansible.posix.json
// callbacks in ../testdata/stock, and compares the Summary with
// testdata/golden/NAME.summary.json: the recap derived from the events
// beside the stats Ansible reported, each failure with its disposition, each
// task with its results and duration. The stock recordings show what their
// callbacks cannot say: their ignored and rescued failures count as fatal in
// the derived recap, while Ansible's stats stay right.
func TestSummaryGolden(t *testing.T) {
	jsonl, _ := filepath.Glob(filepath.Join("..", "testdata", "stock", "*.jsonl"))
	document, _ := filepath.Glob(filepath.Join("..", "testdata", "stock", "*.json"))
	stock := append(jsonl, document...)
	if len(jsonl) == 0 || len(document) == 0 {
		t.Fatal("no stock recordings in ../testdata/stock")
	}
	for _, stream := range append(golden.Streams(t, 1), stock...) {
		name := strings.TrimSuffix(filepath.Base(stream), ".jsonl")
		if filepath.Base(filepath.Dir(stream)) == "stock" {
			name = "stock_" + strings.ReplaceAll(filepath.Base(stream), ".", "_")
		}
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(stream)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			s, err := Replay(f, keepAll{Discard}, io.Discard, zerolog.Nop())
			if err != nil {
				t.Fatal(err)
			}
			if strings.HasPrefix(name, "stock_") && (!s.Complete || len(s.Reported) == 0 || len(s.Tasks) == 0) {
				t.Errorf("the stock recording read as Complete %v with %d hosts' stats and %d tasks", s.Complete, len(s.Reported), len(s.Tasks))
			}
			got, err := json.MarshalIndent(viewOf(s), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden.Check(t, filepath.Join("testdata", "golden", name+".summary.json"), got)
		})
	}
}
