package metrics

import (
	"context"

	"github.com/ansible-tap/ansible-tap/compare"
	"github.com/ansible-tap/ansible-tap/event"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
)

// recordRun records the metrics of the finished run in s on meter: the same
// values as the Prometheus metrics, with OpenTelemetry names; cmp is the
// run's comparison with the last comparable run of the history, or nil.
func recordRun(meter metric.Meter, s *event.Summary, playbook string, cmp *compare.Comparison) error {
	ctx := context.Background()
	pb := attribute.String("ansible.playbook", playbook)

	runs, err := meter.Int64Counter("ansible.playbook.runs", metric.WithUnit("{run}"),
		metric.WithDescription("Playbook runs, by outcome (ok, changed, failed, interrupted)."))
	if err != nil {
		return err
	}
	results, err := meter.Int64Counter("ansible.playbook.task.results", metric.WithUnit("{result}"),
		metric.WithDescription("Task results by status, summed over hosts, as in Ansible's recap."))
	if err != nil {
		return err
	}
	hosts, err := meter.Int64Gauge("ansible.playbook.hosts", metric.WithUnit("{host}"),
		metric.WithDescription("Hosts of the run by outcome (unreachable, failed, changed, ok; the worst counts)."))
	if err != nil {
		return err
	}
	durations, err := meter.Float64Histogram("ansible.playbook.task.duration", metric.WithUnit("s"),
		metric.WithDescription("Durations of the tasks, from a task's start to its last host result."),
		metric.WithExplicitBucketBoundaries(TaskDurationBuckets...))
	if err != nil {
		return err
	}
	runDuration, err := meter.Float64Gauge("ansible.playbook.run.duration", metric.WithUnit("s"),
		metric.WithDescription("Time from the first event of the run to its end: its last event, or the moment it stopped when interrupted."))
	if err != nil {
		return err
	}
	success, err := meter.Int64Gauge("ansible.playbook.success", metric.WithUnit("1"),
		metric.WithDescription("1 when the run finished without failed or unreachable hosts and was not interrupted, else 0."))
	if err != nil {
		return err
	}
	exitCode, err := meter.Int64Gauge("ansible.playbook.exit_code", metric.WithUnit("1"),
		metric.WithDescription("Exit code of ansible-playbook."))
	if err != nil {
		return err
	}

	withPlaybook := metric.WithAttributes(pb)
	runs.Add(ctx, 1, metric.WithAttributes(pb, attribute.String("ansible.outcome", string(s.Outcome()))))
	totals := s.Totals()
	for _, st := range event.RecapStatuses() {
		results.Add(ctx, int64(totals.Count(st)), metric.WithAttributes(pb, attribute.String("ansible.status", string(st))))
	}
	byOutcome := hostsByOutcome(s)
	for _, o := range event.HostOutcomes() {
		hosts.Record(ctx, int64(byOutcome[o]), metric.WithAttributes(pb, attribute.String("ansible.outcome", string(o))))
	}
	for _, t := range s.Tasks {
		durations.Record(ctx, t.Duration().Seconds(), withPlaybook)
	}
	runDuration.Record(ctx, s.Duration().Seconds(), withPlaybook)
	ok := int64(0)
	if s.Outcome().Succeeded() {
		ok = 1
	}
	success.Record(ctx, ok, withPlaybook)
	exitCode.Record(ctx, int64(s.ExitCode), withPlaybook)
	return recordComparison(ctx, meter, cmp, withPlaybook)
}

// recordComparison records the new failures and the fixed results since
// the last comparable run of the history; without one, nothing.
func recordComparison(ctx context.Context, meter metric.Meter, cmp *compare.Comparison, attrs metric.RecordOption) error {
	if cmp == nil {
		return nil
	}
	newFailures, err := meter.Int64Gauge("ansible.playbook.new_failures", metric.WithUnit("{result}"),
		metric.WithDescription("Results that failed, a task on a host, where the last comparable run of the history did not fail them."))
	if err != nil {
		return err
	}
	fixed, err := meter.Int64Gauge("ansible.playbook.fixed", metric.WithUnit("{result}"),
		metric.WithDescription("Results that did not fail, a task on a host, where the last comparable run of the history failed them."))
	if err != nil {
		return err
	}
	n := cmp.Counts()
	newFailures.Record(ctx, int64(n.NewFailures), attrs)
	fixed.Record(ctx, int64(n.Fixed), attrs)
	return nil
}
