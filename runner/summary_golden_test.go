package runner

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
	Outcome     string                `json:"outcome"`
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

type nopHandler struct{}

func (nopHandler) Event(*Event, *Summary) error { return nil }
func (nopHandler) Finish(*Summary) error        { return nil }

// TestSummaryGolden replays every recorded stream of ../testdata/streams
// and compares the Summary with testdata/golden/NAME.summary.json: the
// recap derived from the events beside the stats Ansible reported, each
// failure with its disposition, each task with its results and duration.
func TestSummaryGolden(t *testing.T) {
	for _, stream := range golden.Streams(t, 1) {
		name := strings.TrimSuffix(filepath.Base(stream), ".jsonl")
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(stream)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			s, err := Replay(f, nopHandler{}, io.Discard, zerolog.Nop())
			if err != nil {
				t.Fatal(err)
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
