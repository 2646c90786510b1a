package history

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
)

// recording is a run being recorded, for both stores: the stream is
// compressed with zstd as it is written into a private temporary file,
// which the store's commit then moves into the store.
type recording struct {
	mu      sync.Mutex
	id      string
	began   time.Time
	file    *os.File
	enc     *zstd.Encoder
	raw     int64
	err     error
	done    bool // committed or aborted
	commitf commitFunc
}

// commitFunc commits a finished recording into a store, with its run's
// record.
type commitFunc func(ctx context.Context, r *recording, run *Run) error

// committer is a store that a recording is committed into: both stores.
type committer interface {
	commit(ctx context.Context, r *recording, run *Run) error
}

// begin is both stores' Begin: a recording into a temporary file in dir,
// committed by c.
func begin(dir string, c committer) (Recording, error) {
	r, err := beginIn(dir, c.commit)
	if err != nil {
		return nil, err // no Recording holding a nil *recording
	}
	return r, nil
}

// beginIn starts recording into a new private temporary file in dir (the
// system's temporary directory when dir is ""), which the recording owns
// from then on; commit commits it.
func beginIn(dir string, commit commitFunc) (*recording, error) {
	began := time.Now()
	id := newID(began)
	file, err := os.CreateTemp(dir, "."+id+".tmp-*") // 0600
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	enc, err := newEncoder(file)
	if err != nil {
		file.Close()
		os.Remove(file.Name())
		return nil, fmt.Errorf("history: %w", err)
	}
	return &recording{id: id, began: began, file: file, enc: enc, commitf: commit}, nil
}

// newEncoder returns the zstd encoder of streams: the default level, which
// compresses a run's events 15 to 30 times at several hundred MB/s, in the
// writer's own goroutine (no goroutines of its own, memory independent of
// the stream's length).
func newEncoder(w io.Writer) (*zstd.Encoder, error) {
	return zstd.NewWriter(w, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1),
		zstd.WithWindowSize(4<<20))
}

func (r *recording) ID() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.id
}

// Write compresses p into the recording. It always reports success: a
// failure ends the recording, whose file it then removes at once so as to
// leave the disk's space to the run, and Commit returns it.
func (r *recording) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil || r.done {
		return len(p), nil
	}
	if _, err := r.enc.Write(p); err != nil {
		r.fail(fmt.Errorf("history: recording the run: %w", err))
		return len(p), nil
	}
	r.raw += int64(len(p))
	return len(p), nil
}

// fail ends the recording with err and removes its file.
func (r *recording) fail(err error) {
	r.err = err
	r.enc.Reset(io.Discard) // drops what it holds
	r.file.Close()
	os.Remove(r.file.Name())
}

func (r *recording) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// finish ends the stream's compression and makes the file durable. It
// returns the compressed size.
func (r *recording) finish() (int64, error) {
	if err := r.enc.Close(); err != nil {
		return 0, err
	}
	if err := r.file.Sync(); err != nil {
		return 0, err
	}
	fi, err := r.file.Stat()
	if err != nil {
		return 0, err
	}
	return fi.Size(), nil
}

func (r *recording) Commit(ctx context.Context, run *Run) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return errors.New("history: the recording was already committed or aborted")
	}
	r.done = true
	if r.err != nil {
		return r.err
	}
	size, err := r.finish()
	if err != nil {
		r.fail(fmt.Errorf("history: recording the run: %w", err))
		return r.err
	}
	run.ID = r.id
	run.StreamBytes = size
	run.RawBytes = r.raw
	if run.Start.IsZero() {
		run.Start = r.began
	}
	if run.End.IsZero() {
		run.End = time.Now()
	}
	if run.Duration == 0 && run.End.After(run.Start) {
		run.Duration = run.End.Sub(run.Start)
	}
	if run.HostStates == (HostStates{}) {
		run.HostStates = StatesOf(run.Hosts)
	}
	err = r.commitf(ctx, r, run) // its error says "history:" and where
	r.file.Close()
	os.Remove(r.file.Name()) // a store that moved the file away makes this fail, as it should
	return err
}

func (r *recording) Abort() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return nil
	}
	r.done = true
	if r.err != nil {
		return nil
	}
	r.enc.Reset(io.Discard)
	r.file.Close()
	return os.Remove(r.file.Name())
}
