package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/mattn/go-isatty"
	"github.com/rs/zerolog"
	"github.com/urfave/cli/v2"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/size"
	"github.com/ansible-tap/ansible-tap/render"
)

// coreFlags are the flags of the run itself, of its rendering, and the
// redaction that every network output shares.
func coreFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "format", Value: render.DefaultFormat, Usage: "output `FORMAT`: ansible (Ansible's own output, then a summary), compact, table or jsonl", EnvVars: []string{"ANSIBLE_TAP_FORMAT"}},
		&cli.BoolFlag{Name: "no-summary", Usage: "print nothing after Ansible's output in the ansible format (a replay prints what the recorded run printed; --no-summary=false prints the summary)", EnvVars: []string{"ANSIBLE_TAP_NO_SUMMARY"}},
		&cli.StringFlag{Name: "events-file", Usage: "write the event stream and Ansible's console output to `PATH` (replayable)", EnvVars: []string{"ANSIBLE_TAP_EVENTS_FILE"}},
		&cli.BoolFlag{Name: "no-color", Usage: "never colour the output (also NO_COLOR)", EnvVars: []string{"ANSIBLE_TAP_NO_COLOR"}},
		&cli.StringFlag{Name: "ansible-playbook", Value: "ansible-playbook", Usage: "the ansible-playbook `PATH` to run", EnvVars: []string{"ANSIBLE_TAP_ANSIBLE_PLAYBOOK"}},
		&cli.StringFlag{Name: "log-level", Value: "warn", Usage: "ansible-tap's own diagnostics on stderr at `LEVEL`: debug, info, warn, error", EnvVars: []string{"ANSIBLE_TAP_LOG_LEVEL"}},
		&cli.StringSliceFlag{Name: "redact", Usage: "also hide the values under this `KEY` in what every network output sends: webhook payloads, OTLP log records (Slack sends no result values) (repeatable)", EnvVars: []string{"ANSIBLE_TAP_REDACT"}},
		&cli.StringFlag{Name: "max-line-size", Value: fmt.Sprintf("%dMiB", event.DefaultMaxLine>>20), Usage: "read event lines of up to `SIZE` whole; a longer event keeps its identity and status, its longest values truncated", EnvVars: []string{"ANSIBLE_TAP_MAX_LINE_SIZE"}},
	}
}

// minMaxLine is the smallest line limit: the identity of any event fits
// in a shrunk line of half of it.
const minMaxLine = 64 << 10

// maxLineSize reads --max-line-size.
func maxLineSize(c *cli.Context) (int, error) {
	n, err := size.Parse(c.String("max-line-size"))
	if err != nil {
		return 0, usagef("--max-line-size: %v", err)
	}
	if n < minMaxLine {
		return 0, usagef("--max-line-size: at least %dKiB, got %s", minMaxLine>>10, c.String("max-line-size"))
	}
	return n, nil
}

// newRenderer returns the handler that prints the run in format.
func newRenderer(c *cli.Context, format string, env *outputEnv, stdout, stderr io.Writer) (event.Handler, error) {
	replay := env.Replay
	opts := render.Options{Color: useColor(c, stdout), Compared: env.Compared}
	if format == render.DefaultFormat {
		return render.NewAnsible(render.AnsibleOptions{
			Options: opts, Stdout: stdout, Stderr: stderr, Replay: replay,
			NoSummary: c.Bool("no-summary"), AsRecorded: replay && !c.IsSet("no-summary"),
		}), nil
	}
	opts.Live = !replay && isTerminal(stdout)
	if isTerminal(stdout) {
		return render.New(format, stdout, opts)
	}
	return newBufferedRenderer(format, stdout, opts)
}

func newLogger(level string, w io.Writer) (zerolog.Logger, error) {
	l, err := zerolog.ParseLevel(strings.ToLower(level))
	if err != nil || level == "" {
		return zerolog.Nop(), usagef("--log-level: unknown level %q", level)
	}
	out := zerolog.ConsoleWriter{Out: w, NoColor: !isTerminal(w), PartsExclude: []string{zerolog.TimestampFieldName}}
	return zerolog.New(out).Level(l).With().Str("tool", "ansible-tap").Logger(), nil
}

// useColor reports whether output to w is coloured: only on a terminal, and
// never with --no-color or NO_COLOR.
func useColor(c *cli.Context, w io.Writer) bool {
	if c.Bool("no-color") || os.Getenv("NO_COLOR") != "" {
		return false
	}
	return isTerminal(w)
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}
