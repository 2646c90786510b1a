package metrics

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ansible-tap/ansible-tap/internal/golden"
	"github.com/ansible-tap/ansible-tap/internal/testio"
)

// TestPromGolden replays recorded streams into the Prometheus handler and
// compares the textfile with the golden file; promtool must find nothing
// to report in it.
func TestPromGolden(t *testing.T) {
	promtool := testio.RequireTool(t, "promtool")
	recordStreams(t)
	for _, tc := range []struct {
		stream, golden string
		perHost        bool
		labels         map[string]string
	}{
		{"mixed.jsonl", "mixed.prom", false, nil},
		{"mixed.jsonl", "mixed-per-host.prom", true, map[string]string{"env": "pro\"d\n\\x", "team": "ops"}},
		{"ok.jsonl", "ok.prom", false, nil},
		{"interrupted.jsonl", "interrupted.prom", false, nil},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "ansible.prom")
			replayStream(t, tc.stream, NewProm(PromOptions{File: file, PerHost: tc.perHost, Labels: tc.labels}))
			got, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", tc.golden), got)
			cmd := exec.Command(promtool, "check", "metrics")
			cmd.Stdin = strings.NewReader(string(got))
			out, err := cmd.CombinedOutput()
			if err != nil || len(strings.TrimSpace(string(out))) != 0 {
				t.Errorf("promtool check metrics: %v\n%s", err, out)
			}
		})
	}
}
