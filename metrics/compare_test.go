package metrics

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/comparetest"
	"github.com/ansible-tap/ansible-tap/internal/otlpreceiver"
	"github.com/ansible-tap/ansible-tap/internal/testio"
)

// With a history, the metrics count the run's new failures and fixed
// results since the last comparable run, in the Prometheus textfile (which
// promtool accepts) and over OTLP: the scenario's last run has one of
// each. Without a history, there are no such series.
func TestMetricsCountWhatIsNew(t *testing.T) {
	promtool := testio.RequireTool(t, "promtool")
	t.Setenv("TRACEPARENT", "")
	live, stream := comparetest.Live(t, "..")
	file := filepath.Join(t.TempDir(), "ansible.prom")
	recv, err := otlpreceiver.StartHTTP()
	if err != nil {
		t.Fatal(err)
	}
	defer recv.Close()
	otlp, err := NewOTLP(OTLPOptions{Endpoint: recv.URL, Compared: live})
	if err != nil {
		t.Fatal(err)
	}
	h := event.NewFanout(zerolog.Nop(), live, NewProm(PromOptions{File: file, Compared: live}), otlp)
	if _, err := event.Replay(bytes.NewReader(stream), h, io.Discard, zerolog.Nop()); err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, series := range []string{`ansible_playbook_new_failures\{playbook="[^"]*"\} 1`, `ansible_playbook_fixed\{playbook="[^"]*"\} 1`} {
		if !regexp.MustCompile(`(?m)^` + series + `$`).Match(text) {
			t.Errorf("the textfile has no %s:\n%s", series, text)
		}
	}
	check := exec.Command(promtool, "check", "metrics")
	check.Stdin = bytes.NewReader(text)
	if out, err := check.CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("promtool check metrics: %v\n%s", err, out)
	}
	got := make(map[string]int64)
	for _, rm := range recv.ResourceMetrics() {
		for _, sm := range rm.ScopeMetrics {
			for _, m := range sm.Metrics {
				for _, dp := range m.GetGauge().GetDataPoints() {
					got[m.Name] += dp.GetAsInt()
				}
			}
		}
	}
	if got["ansible.playbook.new_failures"] != 1 || got["ansible.playbook.fixed"] != 1 {
		t.Errorf("OTLP new failures %d, fixed %d; want 1 and 1", got["ansible.playbook.new_failures"], got["ansible.playbook.fixed"])
	}

	plain := filepath.Join(t.TempDir(), "plain.prom")
	if _, err := event.Replay(bytes.NewReader(stream), NewProm(PromOptions{File: plain}), io.Discard, zerolog.Nop()); err != nil {
		t.Fatal(err)
	}
	if text, _ := os.ReadFile(plain); regexp.MustCompile(`new_failures|_fixed`).Match(text) {
		t.Errorf("a run without a history has comparison series:\n%s", text)
	}
}
