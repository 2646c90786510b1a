package metrics

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/compare"
	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/outfile"
	"github.com/ansible-tap/ansible-tap/internal/redact"
)

// PromOptions configure the Prometheus outputs.
type PromOptions struct {
	// File is the node_exporter textfile to write; "" writes none. It is
	// readable by all (outfile.Shared, less the umask), as node_exporter
	// may run as another user; a regular file is replaced atomically, a
	// FIFO or a device is written into, a symlink is followed (see
	// package outfile).
	File string
	// PushURL is the Pushgateway to push to; "" pushes nowhere.
	PushURL string
	// Labels are constant labels added to every series.
	Labels map[string]string
	// PerHost adds the per-host series.
	PerHost bool
	// Playbook names the playbook when the run never reported one.
	Playbook string
	// Timeout bounds the push; 0 means DefaultTimeout.
	Timeout time.Duration
	// Stop, when closed, abandons the push before the timeout.
	Stop <-chan struct{}
	// Compared, when set, is the live run's comparison with the last
	// comparable run of the history: the metrics count its new failures
	// and fixed results.
	Compared *compare.Live
	// Log receives diagnostics.
	Log zerolog.Logger
}

// DefaultTimeout bounds each network delivery at the end of a run.
const DefaultTimeout = 5 * time.Second

// Prom writes the metrics of a run to a textfile and a Pushgateway when the
// run ends, whether it succeeded, failed or was interrupted. It does nothing
// while events arrive.
type Prom struct {
	opts    PromOptions
	started time.Time
}

// NewProm returns the Prometheus handler for opts.
func NewProm(opts PromOptions) *Prom {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	return &Prom{opts: opts, started: time.Now()}
}

// Event does nothing: the metrics describe the finished run.
func (p *Prom) Event(*event.Event, *event.Summary) error { return nil }

// Finish writes the textfile and pushes to the Pushgateway. It returns the
// failures of both, joined; the run's exit code is not affected.
func (p *Prom) Finish(s *event.Summary) error {
	var errs []error
	if p.opts.File != "" {
		reg, err := p.gather(s, false)
		if err != nil {
			return fmt.Errorf("prometheus metrics: %w", err)
		}
		if err := writeTextfile(p.opts.File, reg); err != nil {
			errs = append(errs, fmt.Errorf("prometheus textfile: %w", err))
		} else {
			p.opts.Log.Debug().Str("file", p.opts.File).Msg("prometheus textfile written")
		}
	}
	if p.opts.PushURL != "" {
		reg, err := p.gather(s, true)
		if err != nil {
			return fmt.Errorf("prometheus metrics: %w", err)
		}
		if err := pushRun(p.opts.PushURL, PlaybookLabel(playbookPath(s), p.opts.Playbook), reg, p.opts.Timeout, p.opts.Stop); err != nil {
			errs = append(errs, err)
		} else {
			p.opts.Log.Debug().Str("pushgateway", redact.URL(p.opts.PushURL)).Msg("metrics pushed")
		}
	}
	return errors.Join(errs...)
}

// gather builds the registry of the run's metrics.
// grouped leaves out the playbook label, for a push grouped by playbook.
func (p *Prom) gather(s *event.Summary, grouped bool) (*prometheus.Registry, error) {
	compared, _ := p.opts.Compared.Comparison(s) // a history that cannot be read says so itself
	return promSnapshot{
		grouped:  grouped,
		playbook: PlaybookLabel(playbookPath(s), p.opts.Playbook),
		labels:   p.opts.Labels,
		perHost:  p.opts.PerHost,
		now:      time.Now(),
		compared: compared,
	}.gatherer(s)
}

// writeTextfile writes the metrics of g to path in Prometheus's text
// exposition format, which node_exporter's textfile collector reads.
func writeTextfile(path string, g prometheus.Gatherer) error {
	families, err := g.Gather()
	if err != nil {
		return err
	}
	return outfile.Write(path, outfile.Shared, func(w io.Writer) error {
		enc := expfmt.NewEncoder(w, expfmt.NewFormat(expfmt.TypeTextPlain))
		for _, mf := range families {
			if err := enc.Encode(mf); err != nil {
				return err
			}
		}
		return nil
	})
}
