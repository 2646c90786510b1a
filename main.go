// Command ansible-tap runs ansible-playbook and turns the events of the run
// into readable output, machine-readable event streams, notifications and
// metrics. Every argument that is not ansible-tap's own is passed to
// ansible-playbook verbatim, and ansible-tap exits with its exit code.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"

	"github.com/rs/zerolog"
	"github.com/urfave/cli/v2"

	"github.com/ansible-tap/ansible-tap/compare"
	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/history"
	"github.com/ansible-tap/ansible-tap/render"
	"github.com/ansible-tap/ansible-tap/runner"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

// Exit codes of ansible-tap itself; every other code is ansible-playbook's.
const (
	exitUsage    = 5                     // as ansible-playbook's own option errors
	exitNotFound = runner.ExitNotStarted // ansible-playbook could not be started
	exitInternal = 250                   // as ansible-playbook's unexpected errors
	exitNoRun    = 1                     // a replay of a stream with no run: as ansible-playbook's for a playbook it cannot read
)

// output is a group of flags and the handlers they turn on.
type output struct {
	flags    []cli.Flag
	handlers func(c *cli.Context, env *outputEnv) ([]event.Handler, error)
}

// outputEnv is what an output may use to build its handlers.
type outputEnv struct {
	Log    zerolog.Logger
	Stderr io.Writer
	Replay bool // the events come from a recording, not a live run
	// Stop is closed when the user signals ansible-tap again after
	// ansible-playbook ended: outputs that wait on the network give up.
	Stop chan struct{}
	// Redact are the --redact keys, hidden by every network output
	// besides redact.DefaultKeys.
	Redact []string
	// Compared is the live run's comparison with the last comparable run
	// in the history; nil in a replay, or when the history is off.
	Compared *compare.Live
}

// outputs are the reports, metric writers and notifiers, in the order their
// handlers are called.
var outputs = []output{
	reportOutput(),
	metricsOutput(),
	notifyOutput(),
}

func init() {
	// Short flags all belong to ansible-playbook: -h and -v pass through.
	cli.HelpFlag = &cli.BoolFlag{Name: "help", Usage: "show ansible-tap's help (-h shows ansible-playbook's)"}
	cli.VersionFlag = &cli.BoolFlag{Name: "version", Usage: "print ansible-tap's version and the ansible-playbook it runs"}
	cli.VersionPrinter = func(c *cli.Context) {
		fmt.Fprintf(c.App.Writer, "ansible-tap %s\n", version)
		fmt.Fprintln(c.App.Writer, ansiblePlaybookVersion(c.String("ansible-playbook")))
	}
}

func main() {
	// A write to a closed stdout or stderr returns EPIPE instead of killing
	// ansible-tap, and with it the run (runner.OutputStream).
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr))
}

// run is ansible-tap with its arguments and standard streams; it returns the exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	gone := &goneReporter{log: zerolog.Nop()}
	stdout, stderr = guardOutput(stdout, "stdout", gone), guardOutput(stderr, "stderr", gone)
	flags := append(coreFlags(), historyFlags()...)
	for _, o := range outputs {
		flags = append(flags, o.flags...)
	}
	own, rest, err := splitArgs(args[1:], append(flags, cli.HelpFlag, cli.VersionFlag))
	if err != nil {
		fmt.Fprintf(stderr, "ansible-tap: %v\n", err)
		return exitUsage
	}
	code, acted := 0, false
	app := &cli.App{
		Name:  "ansible-tap",
		Usage: "run ansible-playbook and tap its events",
		UsageText: "ansible-tap [ansible-tap flags] PLAYBOOK [ansible-playbook arguments]\n" +
			"   ansible-tap replay [ansible-tap flags] FILE|-|RUN\n" +
			"   ansible-tap history [--playbook PATH] [--outcome OUTCOME] [--host HOST] [--since AGE] [--limit N] [--label KEY=VALUE]\n" +
			"   ansible-tap history prune [--keep N] [--older-than AGE] [--max-size SIZE]\n" +
			"   ansible-tap diff [--exit-code] [A] [B]\n" +
			"   RUN, A and B name runs of the history: an id (or its start), last, last~1…",
		Description:     "Every argument that is not one of the flags below goes to ansible-playbook verbatim, in order;\nansible-tap's flags may stand anywhere on the line, and '--' ends them.\nansible-tap exits with ansible-playbook's exit code. See 'ansible-playbook --help' for its arguments.",
		Version:         version,
		Flags:           flags,
		HideHelpCommand: true,
		Writer:          stdout,
		ErrWriter:       stderr,
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return usageError{err}
		},
		Action: func(c *cli.Context) error {
			var err error
			acted = true
			code, err = act(c, rest, stdin, stdout, stderr, gone)
			return err
		},
	}
	if err := app.Run(append([]string{"ansible-tap"}, own...)); err != nil {
		fmt.Fprintf(stderr, "ansible-tap: %v\n", err)
		// An error before the action is the flags' (a value that does not
		// parse, from the line or the environment): a usage error.
		var ue usageError
		if !acted || errors.As(err, &ue) {
			return exitUsage
		}
		if code == 0 {
			return exitInternal
		}
	}
	return code
}

// usageError is a mistake on the command line.
type usageError struct{ error }

func (e usageError) Unwrap() error { return e.error }

func usagef(format string, a ...any) error { return usageError{fmt.Errorf(format, a...)} }

// act runs ansible-playbook, replays a recording, or runs one of
// ansible-tap's commands, with the handlers the flags ask for, and returns
// the exit code.
func act(c *cli.Context, rest []string, stdin io.Reader, stdout, stderr io.Writer, gone *goneReporter) (int, error) {
	log, err := newLogger(c.String("log-level"), stderr)
	if err != nil {
		return exitUsage, err
	}
	gone.log = log
	command := ""
	if len(rest) > 0 {
		command = rest[0]
	}
	switch command {
	case "history":
		return runHistory(c, rest[1:], stdout, stderr)
	case "diff":
		return runDiff(c, rest[1:], stdout, stderr)
	case "replay":
		return actReplay(c, rest[1:], stdin, stdout, stderr, log)
	case "":
		return exitUsage, usagef("no playbook given; see 'ansible-tap --help'")
	}
	return actLive(c, rest, stdin, stdout, stderr, log)
}

// actReplay replays the recording that args name with the handlers the
// flags ask for.
func actReplay(c *cli.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, log zerolog.Logger) (int, error) {
	maxLine, err := maxLineSize(c)
	if err != nil {
		return exitUsage, err
	}
	format := c.String("format")
	env := newOutputEnv(c, log, stderr, true)
	renderer, err := newRenderer(c, format, env, stdout, stderr)
	if err != nil {
		return exitUsage, usageError{err}
	}
	if len(args) != 1 {
		return exitUsage, usagef("replay takes one FILE, - for standard input, or a RUN of the history")
	}
	rec, err := openRecording(args[0], stdin, func() (history.Store, error) { return openHistory(c) })
	if err != nil {
		return exitNoRun, err
	}
	defer rec.Close()
	if err := checkOutputFiles(c, true, rec.path()); err != nil {
		return exitUsage, err
	}
	handlers, err := outputHandlers(c, env, renderer)
	if err != nil {
		return exitUsage, err
	}
	if c.IsSet("events-file") {
		log.Warn().Msg("--events-file has no effect in a replay")
	}
	fanout := event.NewFanout(log, handlers...)
	return replayRecording(rec, maxLine, fanout, format, consoleOf(handlers), stdout, stderr, log)
}

// actLive runs ansible-playbook with args, recording the run in the
// history, with the handlers the flags ask for.
func actLive(c *cli.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, log zerolog.Logger) (int, error) {
	maxLine, err := maxLineSize(c)
	if err != nil {
		return exitUsage, err
	}
	if err := checkOutputFiles(c, false, ""); err != nil {
		return exitUsage, err
	}
	env := newOutputEnv(c, log, stderr, false)
	hist, err := startHistory(c, args, env)
	if err != nil {
		return exitUsage, err
	}
	var first []event.Handler
	if hist != nil {
		// Ahead of the outputs: they read its comparison.
		first, env.Compared = []event.Handler{hist}, hist.live
	}
	format := c.String("format")
	renderer, err := newRenderer(c, format, env, stdout, stderr)
	if err == nil {
		var handlers []event.Handler
		if handlers, err = outputHandlers(c, env, renderer); err == nil {
			fanout := event.NewFanout(log, append(first, handlers...)...)
			return runLive(c, args, format, maxLine, fanout, consoleOf(handlers), env, hist, stdin, stdout, stderr)
		}
	} else {
		err = usageError{err}
	}
	if hist != nil {
		hist.abort()
	}
	return exitUsage, err
}

// newOutputEnv is what the outputs may use, from the flags.
func newOutputEnv(c *cli.Context, log zerolog.Logger, stderr io.Writer, replay bool) *outputEnv {
	return &outputEnv{Log: log, Stderr: stderr, Replay: replay, Stop: make(chan struct{}), Redact: c.StringSlice("redact")}
}

// outputHandlers are the renderer and the handlers of the outputs the
// flags ask for, in the order they are called.
func outputHandlers(c *cli.Context, env *outputEnv, renderer event.Handler) ([]event.Handler, error) {
	handlers := []event.Handler{renderer}
	for _, o := range outputs {
		hs, err := o.handlers(c, env)
		if err != nil {
			return nil, err
		}
		handlers = append(handlers, hs...)
	}
	return handlers, nil
}

// runLive runs ansible-playbook with the handlers and returns its exit code;
// maxLine is the event stream's line limit.
func runLive(c *cli.Context, args []string, format string, maxLine int, h event.Handler, console func(string, []byte),
	env *outputEnv, hist *liveHistory, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	var events, recording io.Writer
	if hist != nil {
		recording = hist.rec
	}
	if path := c.String("events-file"); path != "" {
		f, err := openEventsFile(path)
		if err != nil {
			if hist != nil {
				hist.abort()
			}
			return exitUsage, err
		}
		defer f.Close()
		events = f
	}
	// Whatever Ansible prints itself must not break a JSON-lines stdout.
	childOut := stdout
	if format == "jsonl" {
		childOut = stderr
	}
	signals := make(chan os.Signal, 4)
	notifySignals(signals)
	defer signal.Stop(signals)

	summary, err := runner.Run(context.Background(), runner.Options{
		Command:       c.String("ansible-playbook"),
		Args:          args,
		Stdin:         stdin,
		Stdout:        childOut,
		Stderr:        stderr,
		ReplaceStdout: format != render.DefaultFormat,
		SummaryHidden: c.Bool("no-summary"),
		Console:       console,
		Handler:       h,
		EventsFile:    events,
		History:       recording,
		Text:          stderr,
		MaxLine:       maxLine,
		Signals:       signals,
		StopWaiting:   env.Stop,
		Log:           env.Log,
	})
	if errors.Is(err, runner.ErrStart) {
		return exitNotFound, err // the outputs are finished: they say so too
	}
	if summary == nil {
		return exitInternal, err
	}
	// An output that failed has said so (event.Fanout): the run's exit
	// code stays ansible-playbook's.
	logResources(env.Log)
	return summary.ExitCode, nil
}

// forwardedSignals are the signals that end a session or a run: each is
// forwarded to ansible-playbook once, and ansible-tap then writes every
// output and exits as the child did. SIGHUP is a hang-up of the user's
// terminal or ssh session; SIGQUIT, Ctrl-\.
var forwardedSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}

// notifySignals relays the forwarded signals to ch, except those that
// ansible-tap was started ignoring (nohup, a background job of a shell):
// ansible-playbook ignores them too, as it would alone.
func notifySignals(ch chan<- os.Signal) {
	for _, sig := range forwardedSignals {
		if !signal.Ignored(sig) {
			signal.Notify(ch, sig)
		}
	}
}

// consoleSink is an output that shows what ansible-playbook printed.
type consoleSink interface {
	Console(stream string, data []byte)
}

// consoleOf is the hook that gives what ansible-playbook prints to the
// handlers that show it; nil when none does.
func consoleOf(handlers []event.Handler) func(stream string, data []byte) {
	var sinks []consoleSink
	for _, h := range handlers {
		if s, ok := h.(consoleSink); ok {
			sinks = append(sinks, s)
		}
	}
	if len(sinks) == 0 {
		return nil
	}
	return func(stream string, data []byte) {
		for _, s := range sinks {
			s.Console(stream, data)
		}
	}
}

// ansiblePlaybookVersion is the first line of `ansible-playbook --version`.
func ansiblePlaybookVersion(command string) string {
	out, err := exec.Command(command, "--version").Output()
	if err != nil {
		return fmt.Sprintf("%s: not found (%v)", command, err)
	}
	line, _, _ := strings.Cut(string(out), "\n")
	if path, err := exec.LookPath(command); err == nil {
		return fmt.Sprintf("%s (%s)", line, path)
	}
	return line
}
