package metrics

import (
	"time"

	"github.com/ansible-tap/ansible-tap/compare"
	"github.com/ansible-tap/ansible-tap/event"
	"github.com/prometheus/client_golang/prometheus"
)

// metricPrefix starts the name of every metric.
const metricPrefix = "ansible_playbook_"

// TaskDurationBuckets are the upper bounds, in seconds, of the task duration
// histograms: Ansible tasks take from milliseconds (set_fact) to many
// minutes (package upgrades).
var TaskDurationBuckets = []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800}

// promSnapshot describes a finished run for Prometheus.
type promSnapshot struct {
	playbook string
	labels   map[string]string // constant labels
	perHost  bool
	// grouped leaves the playbook label out: a Pushgateway adds it from
	// the grouping key, and refuses series that already carry it.
	grouped bool
	now     time.Time // the end of the run when no event carried a time
	// compared is the run's comparison with the last comparable run of
	// the history, or nil.
	compared *compare.Comparison
}

// promRegistry registers the gauges of one run, each with the playbook
// label (unless grouped) and the constant labels.
type promRegistry struct {
	r  prometheus.Registerer
	pb prometheus.Labels
}

func (p *promRegistry) gauge(name, help string, value float64) error {
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: metricPrefix + name, Help: help, ConstLabels: p.pb})
	g.Set(value)
	return p.r.Register(g)
}

func (p *promRegistry) gaugeVec(name, help string, labels ...string) (*prometheus.GaugeVec, error) {
	g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: metricPrefix + name, Help: help, ConstLabels: p.pb}, labels)
	return g, p.r.Register(g)
}

// gatherer returns a registry holding the metrics of the run in s, all of
// them gauges of this run except the task duration histogram.
func (p promSnapshot) gatherer(s *event.Summary) (*prometheus.Registry, error) {
	reg := prometheus.NewPedanticRegistry()
	pr := &promRegistry{r: prometheus.WrapRegistererWith(prometheus.Labels(p.labels), reg),
		pb: prometheus.Labels{"playbook": p.playbook}}
	if p.grouped {
		pr.pb = nil
	}
	for _, register := range []func(*promRegistry, *event.Summary) error{
		p.runGauges, runOutcome, taskResults, hostOutcomes, taskDurations, p.hostResults, p.comparison,
	} {
		if err := register(pr, s); err != nil {
			return nil, err
		}
	}
	return reg, nil
}

// runGauges are the run's duration, end, success and exit code.
func (p promSnapshot) runGauges(pr *promRegistry, s *event.Summary) error {
	end := s.End
	if end.IsZero() {
		end = p.now
	}
	success := 0.0
	if s.Outcome().Succeeded() {
		success = 1
	}
	for _, g := range []struct {
		name, help string
		value      float64
	}{
		{"run_duration_seconds", "Time from the first event of the last run to its end: its last event, or the moment it stopped when interrupted.", s.Duration().Seconds()},
		{"last_run_timestamp_seconds", "Unix time at which the last run ended.", float64(end.UnixNano()) / 1e9},
		{"success", "1 when the last run finished without failed or unreachable hosts and was not interrupted, else 0.", success},
		{"exit_code", "Exit code of ansible-playbook in the last run.", float64(s.ExitCode)},
	} {
		if err := pr.gauge(g.name, g.help, g.value); err != nil {
			return err
		}
	}
	return nil
}

// runOutcome is 1 for the run's outcome, 0 for the others.
func runOutcome(pr *promRegistry, s *event.Summary) error {
	outcome, err := pr.gaugeVec("outcome", "Outcome of the last run: 1 for the current outcome (ok, changed, failed, interrupted), 0 for the others.", "outcome")
	if err != nil {
		return err
	}
	current := s.Outcome()
	for _, o := range event.RunOutcomes() {
		v := 0.0
		if o == current {
			v = 1
		}
		outcome.WithLabelValues(string(o)).Set(v)
	}
	return nil
}

// taskResults are the recap's counts, summed over hosts.
func taskResults(pr *promRegistry, s *event.Summary) error {
	results, err := pr.gaugeVec("task_results", "Task results of the last run by status, summed over hosts, as in Ansible's recap.", "status")
	if err != nil {
		return err
	}
	totals := s.Totals()
	for _, st := range event.RecapStatuses() {
		results.WithLabelValues(string(st)).Set(float64(totals.Count(st)))
	}
	return nil
}

// hostOutcomes count the hosts by outcome.
func hostOutcomes(pr *promRegistry, s *event.Summary) error {
	hosts, err := pr.gaugeVec("hosts", "Hosts of the last run by outcome (unreachable, failed, changed, ok; the worst counts).", "outcome")
	if err != nil {
		return err
	}
	byOutcome := hostsByOutcome(s)
	for _, o := range event.HostOutcomes() {
		hosts.WithLabelValues(string(o)).Set(float64(byOutcome[o]))
	}
	return nil
}

// taskDurations is the histogram of the tasks' durations.
func taskDurations(pr *promRegistry, s *event.Summary) error {
	durations := prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:        metricPrefix + "task_duration_seconds",
		Help:        "Durations of the tasks of the last run, from a task's start to its last host result.",
		ConstLabels: pr.pb,
		Buckets:     TaskDurationBuckets,
	})
	for _, t := range s.Tasks {
		durations.Observe(t.Duration().Seconds())
	}
	return pr.r.Register(durations)
}

// hostResults are the recap's counts by host, with --prom-per-host.
func (p promSnapshot) hostResults(pr *promRegistry, s *event.Summary) error {
	if !p.perHost {
		return nil
	}
	perHost, err := pr.gaugeVec("host_task_results", "Task results of the last run by host and status, as in Ansible's recap.", "host", "status")
	if err != nil {
		return err
	}
	for _, h := range s.RecapHosts() {
		c := s.Recap(h)
		for _, st := range event.RecapStatuses() {
			perHost.WithLabelValues(h, string(st)).Set(float64(c.Count(st)))
		}
	}
	return nil
}

// comparison counts the new failures and the fixed results since the last
// comparable run of the history; without one, there are no such series.
func (p promSnapshot) comparison(pr *promRegistry, _ *event.Summary) error {
	if p.compared == nil {
		return nil
	}
	n := p.compared.Counts()
	if err := pr.gauge("new_failures", "Results of the last run that failed, a task on a host, where the last comparable run of the history did not fail them.", float64(n.NewFailures)); err != nil {
		return err
	}
	return pr.gauge("fixed", "Results of the last run that did not fail, a task on a host, where the last comparable run of the history failed them.", float64(n.Fixed))
}
