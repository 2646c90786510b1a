// Package runner is the process side of ansible-tap: it starts
// ansible-playbook with the embedded callback plugin, gives it the user's
// environment and ansible.cfg's callback path, passes its console output on
// (through a pseudo-terminal or pipes) and records it, forwards signals,
// writes the events file, and streams the callback's events into the event
// model's Summary and handlers (package event).
package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"syscall"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/rs/zerolog"
	"golang.org/x/sys/unix"
)

// Options says how to run ansible-playbook.
type Options struct {
	// Command is the ansible-playbook executable.
	Command string
	// Args are passed to it verbatim.
	Args []string
	// Env is its environment, before ansible-tap's additions; nil means os.Environ().
	Env []string
	// Stdin, Stdout and Stderr are the child's; whatever Ansible prints itself goes there.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// ReplaceStdout makes ansible-tap's silent stdout callback replace the
	// one the user configured, for formats in which ansible-tap renders
	// the run itself. Without it, Ansible prints as it always does and the
	// events come from a notification callback beside its own.
	ReplaceStdout bool
	// Handler receives the events; it is finished before Run returns.
	Handler event.Handler
	// EventsFile, when set, receives the raw event stream as read, and
	// what ansible-playbook printed on Stdout and Stderr (RunStartEvent,
	// ConsoleEvent, RunEndEvent).
	EventsFile io.Writer
	// History, when set, receives what EventsFile receives: the run's
	// recording in the run store.
	History io.Writer
	// Console, when set, receives what ansible-playbook prints, piece by
	// piece as it is passed on to Stdout and Stderr: then, as with
	// EventsFile, ansible-tap captures the child's output.
	Console func(stream string, data []byte)
	// SummaryHidden says that ansible-tap prints no summary after
	// Ansible's output (--no-summary): the events file records it, so that
	// a replay prints what the run printed.
	SummaryHidden bool
	// Text receives lines of the event stream that are not events.
	Text io.Writer
	// MaxLine is the decoder's line limit (Decoder.MaxLine); 0 means
	// DefaultMaxLine.
	MaxLine int
	// Signals are forwarded to the child, each kind once.
	Signals <-chan os.Signal
	// StopWaiting, when set, is closed when a signal arrives after
	// ansible-playbook has exited, while the handlers finish: the user wants
	// ansible-tap to stop waiting for the network now.
	StopWaiting chan struct{}
	// Log receives ansible-tap's own diagnostics.
	Log zerolog.Logger
}

// exitCodeSignalBase is added to a signal number when the child dies of a
// signal, as shells report it.
const exitCodeSignalBase = 128

// ExitNotStarted is the exit code of a run whose ansible-playbook could not
// be started, as a shell reports a command it cannot run.
const ExitNotStarted = 127

// ErrStart wraps the failure to start ansible-playbook.
var ErrStart = errors.New("cannot start ansible-playbook")

// Run starts ansible-playbook with the callback, streams its events into
// an event.Summary and the handler, and returns when the child has exited
// and every handler has finished. The Summary's ExitCode is the child's
// exit code.
//
// When ansible-playbook cannot be started, the error wraps ErrStart and the
// handler is still finished, with a Summary whose ExitCode is
// ExitNotStarted: reports and metrics tell CI and monitoring that the run
// failed, and a job whose ansible-playbook went missing does not look like
// one that did not run.
func Run(ctx context.Context, opts Options) (*event.Summary, error) {
	c, err := prepare(ctx, opts)
	if err != nil {
		return notStarted(opts, nil, err)
	}
	defer c.cleanUp()
	if err := c.start(); err != nil {
		return notStarted(opts, c.rec, err)
	}
	c.stream()
	exitedAt, waitErr := c.wait()
	c.drain(exitedAt)
	c.conclude(waitErr)
	return c.summary, finish(opts, c.summary)
}

// child is one run of ansible-playbook: the command, the pipes it writes
// and what reads them, and the Summary of its events.
type child struct {
	opts      Options
	cmd       *exec.Cmd
	pluginDir string      // the callback plugin's private directory
	events    *childPipe  // the events pipe, ansible-tap's end
	eventsFD  *os.File    // the events pipe, the child's end
	rec       *eventsFile // the events file, or nil
	con       *console    // the child's captured outputs, or nil
	exited    chan error  // the child's Wait, once it has started
	summary   *event.Summary
}

// eventsFD is the descriptor of the events pipe in the child: the first of
// ExtraFiles.
const eventsFD = 3

// prepare writes the callback plugin, makes the events pipe and the
// command, and sets up the capture of the child's outputs and the events
// file when they are asked for.
func prepare(ctx context.Context, opts Options) (*child, error) {
	pluginDir, err := installCallback(opts.ReplaceStdout)
	if err != nil {
		return nil, fmt.Errorf("%w: writing the callback plugin: %v", ErrStart, err)
	}
	pr, pw, err := os.Pipe()
	if err != nil {
		os.RemoveAll(pluginDir)
		return nil, fmt.Errorf("%w: %v", ErrStart, err)
	}
	env := opts.Env
	if env == nil {
		env = os.Environ()
	}
	c := &child{opts: opts, pluginDir: pluginDir, events: newChildPipe("events", pr), eventsFD: pw,
		exited: make(chan error, 1), summary: event.NewSummary()}
	c.cmd = exec.CommandContext(ctx, opts.Command, opts.Args...)
	c.cmd.Env = callbackEnv(env, pluginDir, eventsFD, opts.ReplaceStdout)
	c.cmd.Stdin, c.cmd.Stdout, c.cmd.Stderr = opts.Stdin, childWriter(opts.Stdout), childWriter(opts.Stderr)
	c.cmd.ExtraFiles = []*os.File{pw}
	c.cmd.SysProcAttr = childAttrs() // if ansible-tap dies, the kernel kills the child (on Linux)
	c.rec = newRecording(opts)
	if c.rec != nil || opts.Console != nil {
		if c.con, err = openConsole(opts.Stdout, opts.Stderr, c.rec, opts.Console, opts.Log); err != nil {
			opts.Log.Warn().Err(err).Msg("cannot capture ansible-playbook's output; it is neither recorded nor reported")
			c.con = nil
		} else {
			c.cmd.Stdout, c.cmd.Stderr = c.con.stdout, c.con.stderr
		}
	}
	startRecording(c.rec, c.con != nil, opts)
	return c, nil
}

// newRecording returns the events file that opts ask for (--events-file,
// the run store's recording), or nil for none. startRecording writes its
// run-start record once it is known whether it records the console.
func newRecording(opts Options) *eventsFile {
	return newEventsFile(opts.EventsFile, opts.History, opts.Log)
}

// startRecording writes the run-start record of rec, the events file of a
// run with opts, if there is one; console says whether it records what
// ansible-playbook prints.
func startRecording(rec *eventsFile, console bool, opts Options) {
	if rec != nil {
		rec.start(console, !opts.SummaryHidden, time.Now())
	}
}

// cleanUp removes the callback plugin's directory.
func (c *child) cleanUp() { os.RemoveAll(c.pluginDir) }

// start starts ansible-playbook. The parent-death signal fires when the
// thread that started the child exits: the goroutine that starts it stays
// on its thread until the child is gone.
func (c *child) start() error {
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := c.cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		c.exited <- c.cmd.Wait()
	}()
	err := <-started
	c.eventsFD.Close() // the child has its own copy, or never will
	if err != nil {
		c.events.file.Close()
		if c.con != nil {
			c.con.abandon()
		}
		return fmt.Errorf("%w: %v", ErrStart, err)
	}
	if c.con != nil {
		c.con.started()
	}
	c.opts.Log.Debug().Int("pid", c.cmd.Process.Pid).Str("command", c.opts.Command).Msg("ansible-playbook started")
	return nil
}

// stream decodes the events pipe into the Summary and the handler, and
// into the events file as read, until the child closes it.
func (c *child) stream() {
	var src io.Reader = c.events.src
	if c.rec != nil {
		src = io.TeeReader(c.events.src, c.rec)
	}
	dec := event.NewDecoder(src)
	dec.Text = c.opts.Text
	dec.Log = c.opts.Log
	dec.MaxLine = c.opts.MaxLine
	go func() {
		err := event.Stream(dec, c.summary, c.opts.Handler)
		// However the stream failed, keep reading the pipe until the child
		// closes it: a callback blocked on a full pipe would hang the run.
		io.Copy(io.Discard, c.events.src)
		c.events.done <- err
	}()
}

// wait forwards the signals that arrive until the child exits, and returns
// when it exited and its Wait's error.
func (c *child) wait() (time.Time, error) {
	forwarder := newSignalForwarder(c.cmd.Process, c.opts.Log)
	for {
		select {
		case sig := <-c.opts.Signals:
			forwarder.forward(sig)
		case err := <-c.exited:
			exitedAt := time.Now()
			// A signal that is already pending is the one that ended the
			// child (a whole process group signalled at once): it is not a
			// request to stop waiting for the outputs.
			for pending := true; pending; {
				select {
				case sig := <-c.opts.Signals:
					c.opts.Log.Debug().Str("signal", sig.String()).Msg("signal arrived as ansible-playbook exited")
				default:
					pending = false
				}
			}
			return exitedAt, err
		}
	}
}

// drain reads what the child wrote to the end, however long that takes;
// pipes that processes it left behind hold open, with nothing coming, are
// closed.
func (c *child) drain(exitedAt time.Time) {
	pipes := []*childPipe{c.events}
	if c.con != nil {
		pipes = append(pipes, c.con.pipes()...)
	}
	for name, err := range drainAfterExit(pipes, exitedAt, c.opts.Log) {
		c.opts.Log.Warn().Err(err).Str("pipe", name).Msg("reading ansible-playbook's pipe")
	}
	if c.con != nil {
		c.con.stop()
	}
}

// conclude completes the Summary (the stream has ended: it is ours again)
// with the child's exit code, whether the run was interrupted, and its
// end, and closes the events file with the run-end record.
func (c *child) conclude(waitErr error) {
	s := c.summary
	s.ExitCode = exitCode(c.cmd.ProcessState, waitErr)
	// A run that Ansible ended with an error before its stats (exit 1, 4,
	// 250…) was not interrupted: only a signal or the user's Ctrl-C does that.
	s.Interrupted = !s.Complete && (signaled(c.cmd.ProcessState) || s.ExitCode == event.ExitInterrupted)
	if s.Playbook == nil {
		s.Playbook = namedPlaybook(c.opts.Args)
	}
	ended := time.Now()
	if s.Interrupted {
		s.Cut(ended)
	}
	if c.rec != nil {
		c.rec.end(s.ExitCode, s.Interrupted, ended)
	}
}

// notStarted finishes the run of an ansible-playbook that could not be
// started, and returns its Summary with err. rec is the recording begun
// for the run, if any.
func notStarted(opts Options, rec *eventsFile, err error) (*event.Summary, error) {
	summary := event.NewSummary()
	summary.ExitCode = ExitNotStarted
	summary.Playbook = namedPlaybook(opts.Args)
	if rec == nil { // prepare failed before making it
		rec = newRecording(opts)
		startRecording(rec, false, opts)
	}
	if rec != nil {
		rec.end(summary.ExitCode, false, time.Now())
	}
	if ferr := finish(opts, summary); ferr != nil {
		opts.Log.Error().Err(ferr).Msg("finishing outputs")
	}
	return summary, err
}

// finish finishes the handler; a signal meanwhile closes StopWaiting.
func finish(opts Options, summary *event.Summary) error {
	if opts.Handler == nil {
		return nil
	}
	finished := make(chan struct{})
	defer close(finished)
	if opts.StopWaiting != nil {
		go stopOnSignal(opts.Signals, opts.StopWaiting, finished, opts.Log)
	}
	return opts.Handler.Finish(summary)
}

// stopOnSignal closes stop when a signal arrives before finished is closed.
func stopOnSignal(signals <-chan os.Signal, stop, finished chan struct{}, log zerolog.Logger) {
	select {
	case sig := <-signals:
		log.Warn().Str("signal", sig.String()).Msg("ansible-playbook has ended; not waiting for notifications and metrics any longer")
		close(stop)
	case <-finished:
	}
}

func exitCode(ps *os.ProcessState, waitErr error) int {
	if ps == nil {
		return 255
	}
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return exitCodeSignalBase + int(ws.Signal())
	}
	return ps.ExitCode()
}

func signaled(ps *os.ProcessState) bool {
	if ps == nil {
		return false
	}
	ws, ok := ps.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled()
}

// signalForwarder passes the signals it is given on to the child, once
// each kind.
type signalForwarder struct {
	proc *os.Process
	log  zerolog.Logger
	sent map[os.Signal]bool
}

func newSignalForwarder(p *os.Process, log zerolog.Logger) *signalForwarder {
	return &signalForwarder{proc: p, log: log, sent: make(map[os.Signal]bool)}
}

func (f *signalForwarder) forward(sig os.Signal) {
	if f.sent[sig] {
		f.log.Debug().Str("signal", sig.String()).Msg("signal already forwarded; waiting for ansible-playbook to finish")
		return
	}
	f.sent[sig] = true
	if (sig == os.Interrupt || sig == syscall.SIGQUIT) && foregroundOfTerminal() {
		// A Ctrl-C or Ctrl-\ on the terminal reaches the whole foreground
		// process group, the child included: sending it again would make
		// Ansible see two interrupts.
		f.log.Debug().Str("signal", sig.String()).Msg("signal from the terminal; ansible-playbook received it too")
		return
	}
	f.log.Debug().Str("signal", sig.String()).Msg("forwarding signal to ansible-playbook")
	if err := f.proc.Signal(sig); err != nil && !errors.Is(err, os.ErrProcessDone) {
		f.log.Warn().Err(err).Str("signal", sig.String()).Msg("forwarding signal")
	}
}

// foregroundOfTerminal reports whether ansible-tap's process group is the
// foreground group of its controlling terminal.
func foregroundOfTerminal() bool {
	tty, err := os.Open("/dev/tty")
	if err != nil {
		return false
	}
	defer tty.Close()
	pgrp, err := unix.IoctlGetInt(int(tty.Fd()), unix.TIOCGPGRP)
	if err != nil {
		return false
	}
	return pgrp == unix.Getpgrp()
}
