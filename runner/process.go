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

// exitUserInterrupt is ansible-playbook's exit code when the user
// interrupted it (ansible/cli/__init__.py).
const exitUserInterrupt = 99

// ErrStart wraps the failure to start ansible-playbook.
var ErrStart = errors.New("cannot start ansible-playbook")

// Run starts ansible-playbook with the callback, streams its events into a
// event.Summary and the handler, and returns when the child has exited and every
// handler has finished. event.Summary.ExitCode is the child's exit code.
//
// When ansible-playbook cannot be started, the error wraps ErrStart and the
// handler is still finished, with a event.Summary whose ExitCode is
// ExitNotStarted: reports and metrics tell CI and monitoring that the run
// failed, and a job whose ansible-playbook went missing does not look like
// one that did not run.
func Run(ctx context.Context, opts Options) (*event.Summary, error) {
	pluginDir, err := installCallback(opts.ReplaceStdout)
	if err != nil {
		return notStarted(opts, nil, fmt.Errorf("%w: writing the callback plugin: %v", ErrStart, err))
	}
	defer os.RemoveAll(pluginDir)

	pr, pw, err := os.Pipe()
	if err != nil {
		return notStarted(opts, nil, fmt.Errorf("%w: %v", ErrStart, err))
	}
	env := opts.Env
	if env == nil {
		env = os.Environ()
	}
	const eventsFD = 3 // the first of ExtraFiles
	cmd := exec.CommandContext(ctx, opts.Command, opts.Args...)
	cmd.Env = callbackEnv(env, pluginDir, eventsFD, opts.ReplaceStdout)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = opts.Stdin, childWriter(opts.Stdout), childWriter(opts.Stderr)
	var rec *eventsFile
	var con *console
	if opts.EventsFile != nil {
		rec = newEventsFile(opts.EventsFile, opts.Log)
	}
	if rec != nil || opts.Console != nil {
		if con, err = openConsole(opts.Stdout, opts.Stderr, rec, opts.Console, opts.Log); err != nil {
			opts.Log.Warn().Err(err).Msg("cannot capture ansible-playbook's output; it is neither recorded nor reported")
			con = nil
		} else {
			cmd.Stdout, cmd.Stderr = con.stdout, con.stderr
		}
	}
	if rec != nil {
		rec.start(con != nil, !opts.SummaryHidden, time.Now())
	}
	cmd.ExtraFiles = []*os.File{pw}
	// If ansible-tap dies, the kernel kills the child (on Linux).
	cmd.SysProcAttr = childAttrs()

	started := make(chan error, 1)
	exited := make(chan error, 1)
	go func() {
		// The parent-death signal fires when the thread that started the
		// child exits: keep this goroutine on its thread until the child is gone.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		exited <- cmd.Wait()
	}()
	if err := <-started; err != nil {
		pr.Close()
		pw.Close()
		if con != nil {
			con.abandon()
		}
		return notStarted(opts, rec, fmt.Errorf("%w: %v", ErrStart, err))
	}
	pw.Close()
	if con != nil {
		con.started()
	}
	opts.Log.Debug().Int("pid", cmd.Process.Pid).Str("command", opts.Command).Msg("ansible-playbook started")

	summary := event.NewSummary()
	events := newChildPipe("events", pr)
	var src io.Reader = events.src
	if rec != nil {
		src = io.TeeReader(events.src, rec)
	}
	dec := event.NewDecoder(src)
	dec.Text = opts.Text
	dec.Log = opts.Log
	dec.MaxLine = opts.MaxLine
	go func() {
		err := event.Stream(dec, summary, opts.Handler)
		// However the stream failed, keep reading the pipe until the child
		// closes it: a callback blocked on a full pipe would hang the run.
		io.Copy(io.Discard, events.src)
		events.done <- err
	}()

	forwarder := newSignalForwarder(cmd.Process, opts.Log)
	var waitErr error
wait:
	for {
		select {
		case sig := <-opts.Signals:
			forwarder.forward(sig)
		case waitErr = <-exited:
			break wait
		}
	}
	exitedAt := time.Now()
	// A signal that is already pending is the one that ended the child (a
	// whole process group signalled at once): it is not a request to stop
	// waiting for the outputs.
	for pending := true; pending; {
		select {
		case sig := <-opts.Signals:
			opts.Log.Debug().Str("signal", sig.String()).Msg("signal arrived as ansible-playbook exited")
		default:
			pending = false
		}
	}
	// The child is gone. What it wrote is read to the end, however long
	// that takes; pipes that processes it left behind hold open, with
	// nothing coming, are closed.
	pipes := []*childPipe{events}
	if con != nil {
		pipes = append(pipes, con.pipes()...)
	}
	for name, err := range drainAfterExit(pipes, exitedAt, opts.Log) {
		opts.Log.Warn().Err(err).Str("pipe", name).Msg("reading ansible-playbook's pipe")
	}
	if con != nil {
		con.stop()
	}

	summary.ExitCode = exitCode(cmd.ProcessState, waitErr)
	// The stream has ended (streamed was received): summary is ours again.
	// A run that Ansible ended with an error before its stats (exit 1, 4,
	// 250…) was not interrupted: only a signal or the user's Ctrl-C does that.
	summary.Interrupted = !summary.Complete && (signaled(cmd.ProcessState) || summary.ExitCode == exitUserInterrupt)
	if summary.Playbook == nil {
		summary.Playbook = namedPlaybook(opts.Args)
	}
	ended := time.Now()
	if summary.Interrupted {
		summary.Cut(ended)
	}
	if rec != nil {
		rec.end(summary.ExitCode, summary.Interrupted, ended)
	}
	return summary, finish(opts, summary)
}

// notStarted finishes the run of an ansible-playbook that could not be
// started, and returns its event.Summary with err. rec is the recording begun
// for the run, if any.
func notStarted(opts Options, rec *eventsFile, err error) (*event.Summary, error) {
	summary := event.NewSummary()
	summary.ExitCode = ExitNotStarted
	summary.Playbook = namedPlaybook(opts.Args)
	if rec == nil && opts.EventsFile != nil {
		rec = newEventsFile(opts.EventsFile, opts.Log)
		rec.start(false, !opts.SummaryHidden, time.Now())
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
