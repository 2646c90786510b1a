package metrics

import (
	"io"
	"testing"

	"github.com/ansible-tap/ansible-tap/event"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// reportedTotals sums the stats Ansible reported, status by status.
func reportedTotals(t *testing.T, s *event.Summary) map[string]float64 {
	t.Helper()
	if s.Reported == nil {
		t.Fatal("Ansible reported no stats")
	}
	totals := make(map[string]float64)
	for _, c := range s.Reported {
		totals["ok"] += float64(c.OK)
		totals["changed"] += float64(c.Changed)
		totals["failed"] += float64(c.Failures)
		totals["skipped"] += float64(c.Skipped)
		totals["unreachable"] += float64(c.Unreachable)
		totals["rescued"] += float64(c.Rescued)
		totals["ignored"] += float64(c.Ignored)
	}
	return totals
}

// parseExposition parses the Prometheus text format.
func parseExposition(t *testing.T, r io.Reader) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(r)
	if err != nil {
		t.Fatalf("parsing the exposition: %v", err)
	}
	return fams
}

// seriesOf returns the metrics of a family whose labels include want.
func seriesOf(fams map[string]*dto.MetricFamily, name string, want map[string]string) []*dto.Metric {
	fam := fams[name]
	if fam == nil {
		return nil
	}
	var out []*dto.Metric
next:
	for _, m := range fam.Metric {
		have := make(map[string]string)
		for _, l := range m.Label {
			have[l.GetName()] = l.GetValue()
		}
		for k, v := range want {
			if have[k] != v {
				continue next
			}
		}
		out = append(out, m)
	}
	return out
}

// gaugeValue is the value of the one series of a gauge with the labels.
func gaugeValue(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels map[string]string) float64 {
	t.Helper()
	ms := seriesOf(fams, name, labels)
	if len(ms) != 1 {
		t.Fatalf("%s%v: %d series, want 1", name, labels, len(ms))
	}
	return ms[0].GetGauge().GetValue()
}

// checkRunValues checks that the exposition carries the values of the run:
// Ansible's own stats, its exit code, the hosts and the tasks.
func checkRunValues(t *testing.T, fams map[string]*dto.MetricFamily, s *event.Summary, labels map[string]string) {
	t.Helper()
	with := func(k, v string) map[string]string {
		m := map[string]string{k: v}
		for lk, lv := range labels {
			m[lk] = lv
		}
		return m
	}
	for status, want := range reportedTotals(t, s) {
		if got := gaugeValue(t, fams, "ansible_playbook_task_results", with("status", status)); got != want {
			t.Errorf("task_results{status=%q} = %v, Ansible reported %v", status, got, want)
		}
	}
	if got := gaugeValue(t, fams, "ansible_playbook_exit_code", labels); got != float64(s.ExitCode) {
		t.Errorf("exit_code = %v, want %d", got, s.ExitCode)
	}
	wantSuccess := 0.0
	if s.ExitCode == 0 {
		wantSuccess = 1
	}
	if got := gaugeValue(t, fams, "ansible_playbook_success", labels); got != wantSuccess {
		t.Errorf("success = %v, want %v (exit code %d)", got, wantSuccess, s.ExitCode)
	}
	hosts := 0.0
	for _, o := range event.HostOutcomes() {
		hosts += gaugeValue(t, fams, "ansible_playbook_hosts", with("outcome", string(o)))
	}
	if hosts != float64(len(s.Reported)) {
		t.Errorf("hosts sum to %v, Ansible reported %d", hosts, len(s.Reported))
	}
	ms := seriesOf(fams, "ansible_playbook_task_duration_seconds", labels)
	if len(ms) != 1 || ms[0].GetHistogram().GetSampleCount() != uint64(len(s.Tasks)) {
		t.Errorf("task_duration_seconds: %v, want one histogram of %d tasks", ms, len(s.Tasks))
	}
}
