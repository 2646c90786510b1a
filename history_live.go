package main

import (
	"context"
	"strings"
	"time"

	"github.com/rs/zerolog"
	"github.com/urfave/cli/v2"

	"github.com/ansible-tap/ansible-tap/compare"
	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/history"
	"github.com/ansible-tap/ansible-tap/internal/size"
	"github.com/ansible-tap/ansible-tap/internal/stopctx"
)

// historyFlags choose the run store, what each live run records in it, and
// what it keeps.
func historyFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "history", Usage: "the run store: a directory `PATH` or a postgres:// URL (default $XDG_STATE_HOME/ansible-tap; off records nothing)", EnvVars: []string{"ANSIBLE_TAP_HISTORY"}},
		&cli.BoolFlag{Name: "no-history", Usage: "record nothing of this run in the history", EnvVars: []string{"ANSIBLE_TAP_NO_HISTORY"}},
		&cli.StringSliceFlag{Name: "label", Usage: "label the run `KEY=VALUE` in the history (repeatable); with history, list only runs so labelled", EnvVars: []string{"ANSIBLE_TAP_LABELS"}},
		&cli.IntFlag{Name: "history-keep", Value: history.DefaultRetention.Keep, Usage: "keep the newest `N` runs in the history; older ones are pruned after each run", EnvVars: []string{"ANSIBLE_TAP_HISTORY_KEEP"}},
		&cli.StringFlag{Name: "history-max-size", Value: "2GiB", Usage: "keep at most `SIZE` of recorded runs in the history, newest first", EnvVars: []string{"ANSIBLE_TAP_HISTORY_MAX_SIZE"}},
	}
}

// historyOff is the value of --history that turns the history off.
const historyOff = "off"

// historyStore is the store that --history names, and whether there is one.
func historyStore(c *cli.Context) (spec string, on bool) {
	spec = c.String("history")
	return spec, !strings.EqualFold(spec, historyOff)
}

// historyOptions are the store's options from the flags: its retention.
func historyOptions(c *cli.Context) (history.Options, error) {
	keep := c.Int("history-keep")
	if keep < 1 {
		return history.Options{}, usagef("--history-keep: keep at least 1 run, got %d", keep)
	}
	maxBytes, err := size.Parse(c.String("history-max-size"))
	if err != nil {
		return history.Options{}, usagef("--history-max-size: %v", err)
	}
	return history.Options{Retention: history.Retention{Keep: keep, MaxBytes: int64(maxBytes)}}, nil
}

// historyCommitTimeout bounds the commit of a live run's recording, at the
// end of the run.
const historyCommitTimeout = 15 * time.Second

// liveHistory records a live run in the run store and compares it with the
// last comparable run there. It is an event.Handler: it builds the run's
// comparison table as the events come (put it ahead of the outputs that
// ask for marks), and its Finish commits the recording with the run's
// record. A store that cannot be written never fails or slows the run: one
// warning line at the end.
type liveHistory struct {
	rec       *history.LiveRecording
	live      *compare.Live
	described chan history.Run // Describe's result, from its goroutine
	stop      <-chan struct{}
	cancel    context.CancelFunc // ends the search for the baseline
	log       zerolog.Logger
}

// startHistory begins recording the live run whose ansible-playbook
// arguments are args, unless the history is off; nil when it is, or when
// the recording cannot even begin (then it says so once).
func startHistory(c *cli.Context, args []string, env *outputEnv) (*liveHistory, error) {
	spec, on := historyStore(c)
	labels, err := history.ParseLabels(c.StringSlice("label"))
	if err != nil {
		return nil, usagef("--label: %v", err)
	}
	opts, err := historyOptions(c)
	if err != nil {
		return nil, err
	}
	if !on || c.Bool("no-history") {
		return nil, nil
	}
	log := env.Log.With().Str("component", "history").Logger()
	rec, err := history.Record(context.Background(), spec, opts)
	if err != nil {
		log.Warn().Err(err).Msg("this run is not recorded in the history")
		return nil, nil
	}
	h := &liveHistory{rec: rec, described: make(chan history.Run, 1), stop: env.Stop, log: log}
	scope := history.FromArguments(args)
	// The baseline is looked for while the run goes on; the outputs wait
	// for it at the end only until the user signals again.
	var ctx context.Context
	ctx, h.cancel = stopctx.Until(0, env.Stop)
	h.live = compare.Follow(ctx, rec.Comparable(&scope), compare.Run{ID: rec.ID(), Start: time.Now()})
	go func() { h.described <- history.Describe(context.Background(), scope, labels) }()
	return h, nil
}

// Event adds the event to the run's comparison table.
func (h *liveHistory) Event(ev *event.Event, s *event.Summary) error { return h.live.Event(ev, s) }

// abort discards the recording of a run that does not start.
func (h *liveHistory) abort() {
	h.cancel()
	h.rec.Abort()
	h.rec.Close()
}

// Finish commits the recording with the run's record.
func (h *liveHistory) Finish(s *event.Summary) error {
	defer h.cancel()
	defer h.rec.Close()
	run := <-h.described
	run.SetOutcome(s)
	ctx, cancel := stopctx.Until(historyCommitTimeout, h.stop)
	defer cancel()
	if err := h.rec.Commit(ctx, &run); err != nil {
		h.log.Warn().Err(err).Msg("this run is not recorded in the history")
		return nil
	}
	h.log.Debug().Str("id", run.ID).Msg("recorded in the history")
	return nil
}
