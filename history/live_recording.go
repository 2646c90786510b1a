package history

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/ansible-tap/ansible-tap/compare"
)

// LiveRecording is a live run being recorded into a store that opens in
// the background: a store that is slow or down (a PostgreSQL server that
// does not answer) never delays the run. The stream goes to a private
// temporary file from its first byte on; the store is needed only to
// commit it, and to read the runs before it (Store).
type LiveRecording struct {
	*recording
	opened chan struct{} // closed once the store is open, or could not be
	store  Store
	err    error
	once   sync.Once
}

// Record begins recording a live run into the store named by spec (as for
// Open), which it opens in the background within ctx. It fails only when
// the recording's temporary file cannot be made; the store's own failure
// comes from Store and Commit.
func Record(ctx context.Context, spec string, opts Options) (*LiveRecording, error) {
	kind, where, err := parseSpec(spec)
	if err != nil {
		return nil, err
	}
	dir := "" // the temporary directory, for PostgreSQL
	if kind == sqliteKind {
		// The embedded store moves the stream into runs/ at commit: the
		// temporary file must be on the same filesystem.
		if dir, err = filepath.Abs(filepath.Join(where, "runs")); err != nil {
			return nil, fmt.Errorf("history: %w", err)
		}
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("history: %w", err)
		}
	}
	l := &LiveRecording{opened: make(chan struct{})}
	if l.recording, err = beginIn(dir, l.commit); err != nil {
		return nil, err
	}
	go func() {
		defer close(l.opened)
		l.store, l.err = Open(ctx, spec, opts)
	}()
	return l, nil
}

// Store waits, within ctx, for the store to be open, and returns it.
func (l *LiveRecording) Store(ctx context.Context) (Store, error) {
	select {
	case <-l.opened:
		return l.store, l.err
	case <-ctx.Done():
		return nil, fmt.Errorf("history: the store did not open in time: %w", ctx.Err())
	}
}

// commit commits the recording to the store once it is open.
func (l *LiveRecording) commit(ctx context.Context, r *recording, run *Run) error {
	s, err := l.Store(ctx)
	if err != nil {
		return err
	}
	c, ok := s.(committer)
	if !ok {
		return fmt.Errorf("history: a store of type %T cannot take a live recording", s)
	}
	return c.commit(ctx, r, run)
}

// Close closes the store once its opening has ended; call it after Commit
// or Abort.
func (l *LiveRecording) Close() error {
	var err error
	l.once.Do(func() {
		<-l.opened
		if l.store != nil {
			err = l.store.Close()
		}
	})
	return err
}

// Comparable is the history that the live run is compared with (the
// recorded runs of run's scope, as Comparable gives them), read once the
// store is open.
func (l *LiveRecording) Comparable(run *Run) compare.History {
	return &openingHistory{l: l, scope: run.Scope()}
}

// openingHistory is a history of a scope in a store that is still
// opening: each read waits for it, within the read's context.
type openingHistory struct {
	l     *LiveRecording
	scope Scope
}

func (o *openingHistory) history(ctx context.Context) (compare.History, error) {
	s, err := o.l.Store(ctx)
	if err != nil {
		return nil, err
	}
	return &scopeHistory{store: s, scope: o.scope}, nil
}

func (o *openingHistory) Before(ctx context.Context, t time.Time, limit int) ([]compare.Run, error) {
	h, err := o.history(ctx)
	if err != nil {
		return nil, err
	}
	return h.Before(ctx, t, limit)
}

func (o *openingHistory) Failed(ctx context.Context, id string) ([]compare.FailedResult, error) {
	h, err := o.history(ctx)
	if err != nil {
		return nil, err
	}
	return h.Failed(ctx, id)
}

func (o *openingHistory) Stream(ctx context.Context, id string) (io.ReadCloser, error) {
	h, err := o.history(ctx)
	if err != nil {
		return nil, err
	}
	return h.Stream(ctx, id)
}
