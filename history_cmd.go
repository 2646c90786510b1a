package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/history"
	"github.com/ansible-tap/ansible-tap/internal/size"
)

// Exit codes of ansible-tap's own commands.
const (
	// exitCommandFailed: a command could not do its work (a store that
	// cannot be read, a run that is not there).
	exitCommandFailed = 1
)

// subcommand parses the flags of one of ansible-tap's own commands
// (history, history prune, diff) from the arguments that follow its name,
// and runs action with them and the positional arguments. ansible-tap's
// global flags (--history, --format, --label…) have already been taken
// from anywhere on the line.
func subcommand(name string, flags []cli.Flag, args []string, stdout, stderr io.Writer, action func(c *cli.Context) (int, error)) (int, error) {
	code := 0
	app := &cli.App{
		Name: "ansible-tap " + name, Flags: flags, HideHelpCommand: true, HideVersion: true,
		Writer: stdout, ErrWriter: stderr,
		OnUsageError: func(_ *cli.Context, err error, _ bool) error { return usageError{err} },
		Action: func(c *cli.Context) error {
			var err error
			code, err = action(c)
			return err
		},
	}
	if err := app.Run(append([]string{name}, args...)); err != nil {
		var ue usageError
		if errors.As(err, &ue) || code == 0 {
			return exitUsage, usageError{fmt.Errorf("%s: %w", name, err)}
		}
		return code, fmt.Errorf("%s: %w", name, err)
	}
	return code, nil
}

// historyListFlags are the filters of `ansible-tap history`; --label
// (ansible-tap's own flag) filters too.
var historyListFlags = []cli.Flag{
	&cli.StringFlag{Name: "playbook", Usage: "only runs of this playbook `PATH`, or of any playbook of this file name"},
	&cli.StringFlag{Name: "outcome", Usage: "only runs of this `OUTCOME`: ok, changed, failed or interrupted"},
	&cli.StringFlag{Name: "host", Usage: "only runs in which this `HOST` took part"},
	&cli.StringFlag{Name: "since", Usage: "only runs started within this `AGE`: 36h, 7d, 2w"},
	&cli.IntFlag{Name: "limit", Value: 50, Usage: "at most `N` runs, the newest"},
}

// historyPruneFlags are what `ansible-tap history prune` keeps.
var historyPruneFlags = []cli.Flag{
	&cli.IntFlag{Name: "keep", Usage: "keep the newest `N` runs"},
	&cli.StringFlag{Name: "older-than", Usage: "delete the runs started longer ago than `AGE`: 30d, 2w"},
	&cli.StringFlag{Name: "max-size", Usage: "keep at most `SIZE` of recorded runs, newest first"},
}

// runHistory runs `ansible-tap history [prune] …` with ansible-tap's
// context c.
func runHistory(c *cli.Context, args []string, stdout, stderr io.Writer) (int, error) {
	if len(args) > 0 && args[0] == "prune" {
		return subcommand("history prune", historyPruneFlags, args[1:], stdout, stderr, func(sc *cli.Context) (int, error) {
			return pruneHistory(c, sc, stdout)
		})
	}
	return subcommand("history", historyListFlags, args, stdout, stderr, func(sc *cli.Context) (int, error) {
		return listHistory(c, sc, stdout)
	})
}

// listHistory lists the runs of the store, newest first, as a table or,
// with --format=jsonl, as JSON lines.
func listHistory(c, sc *cli.Context, stdout io.Writer) (int, error) {
	if sc.NArg() > 0 {
		return exitUsage, usagef("history takes no argument but prune; got %q", sc.Args().First())
	}
	filter, err := historyFilter(c, sc)
	if err != nil {
		return exitUsage, err
	}
	jsonl, err := listingFormat(c.String("format"))
	if err != nil {
		return exitUsage, err
	}
	store, err := openHistory(c)
	if err != nil {
		return exitCommandFailed, err
	}
	defer store.Close()
	runs, err := store.List(context.Background(), filter)
	if err != nil {
		return exitCommandFailed, err
	}
	if jsonl {
		return 0, history.WriteJSONL(stdout, runs)
	}
	return 0, history.WriteTable(stdout, runs)
}

// historyFilter reads the filters of `ansible-tap history`.
func historyFilter(c, sc *cli.Context) (history.Filter, error) {
	f := history.Filter{Playbook: sc.String("playbook"), Outcome: event.Outcome(sc.String("outcome")), Host: sc.String("host"), Limit: sc.Int("limit")}
	if f.Outcome != "" && !slices.Contains(event.RunOutcomes(), f.Outcome) {
		return f, usagef("--outcome: %q: want one of %v", f.Outcome, event.RunOutcomes())
	}
	if f.Limit < 1 {
		return f, usagef("--limit: list at least 1 run, got %d", f.Limit)
	}
	if since := sc.String("since"); since != "" {
		age, err := history.ParseAge(since)
		if err != nil {
			return f, usagef("--since: %v", err)
		}
		f.Since = time.Now().Add(-age)
	}
	labels, err := history.ParseLabels(c.StringSlice("label"))
	if err != nil {
		return f, usagef("--label: %v", err)
	}
	f.Labels = labels
	return f, nil
}

// listingFormat tells whether --format asks for JSON lines; the default
// format lists a table.
func listingFormat(format string) (jsonl bool, err error) {
	switch format {
	case "ansible", "table":
		return false, nil
	case "jsonl":
		return true, nil
	}
	return false, usagef("--format: history lists runs as a table or as jsonl, not %q", format)
}

// pruneHistory deletes the runs that the flags do not keep.
func pruneHistory(c, sc *cli.Context, stdout io.Writer) (int, error) {
	if sc.NArg() > 0 {
		return exitUsage, usagef("history prune takes no argument; got %q", sc.Args().First())
	}
	var keep history.Retention
	keep.Keep = sc.Int("keep")
	if keep.Keep < 0 {
		return exitUsage, usagef("--keep: %d is not a number of runs", keep.Keep)
	}
	if s := sc.String("older-than"); s != "" {
		age, err := history.ParseAge(s)
		if err != nil {
			return exitUsage, usagef("--older-than: %v", err)
		}
		keep.OlderThan = age
	}
	if s := sc.String("max-size"); s != "" {
		n, err := size.Parse(s)
		if err != nil {
			return exitUsage, usagef("--max-size: %v", err)
		}
		keep.MaxBytes = int64(n)
	}
	if keep == (history.Retention{}) {
		return exitUsage, usagef("history prune: say what to keep: --keep N, --older-than AGE or --max-size SIZE")
	}
	store, err := openHistory(c)
	if err != nil {
		return exitCommandFailed, err
	}
	defer store.Close()
	pruned, err := store.Prune(context.Background(), keep)
	if err != nil {
		return exitCommandFailed, err
	}
	fmt.Fprintf(stdout, "pruned %d runs (%s) from %s\n", pruned.Runs, size.Format(pruned.Bytes), store.Location())
	return 0, nil
}

// openHistory opens the store that --history names, for a command that
// reads it.
func openHistory(c *cli.Context) (history.Store, error) {
	spec, on := historyStore(c)
	if !on {
		return nil, usagef("the history is off (--history=off or ANSIBLE_TAP_HISTORY=off)")
	}
	return history.Open(context.Background(), spec, history.Options{})
}
