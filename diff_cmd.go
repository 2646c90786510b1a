package main

import (
	"context"
	"io"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ansible-tap/ansible-tap/compare"
	"github.com/ansible-tap/ansible-tap/history"
	"github.com/ansible-tap/ansible-tap/render"
	"github.com/ansible-tap/ansible-tap/report"
)

// diffFlags are the flags of `ansible-tap diff`.
var diffFlags = []cli.Flag{
	&cli.BoolFlag{Name: "exit-code", Usage: "exit 1 when the run has regressions (new failures, or changes where the baseline had none), for CI gates"},
}

// The formats of a comparison.
const (
	diffCompact  = "compact"
	diffJSONL    = "jsonl"
	diffMarkdown = "markdown"
	diffHTML     = "html"
)

// runDiff runs `ansible-tap diff [A] [B]`: it compares run B (default: the
// newest run) with run A (default: B's baseline, the newest earlier run of
// the same playbook with the same inventory, --limit and check mode).
func runDiff(c *cli.Context, args []string, stdout, stderr io.Writer) (int, error) {
	return subcommand("diff", diffFlags, args, stdout, stderr, func(sc *cli.Context) (int, error) {
		if sc.NArg() > 2 {
			return exitUsage, usagef("diff takes at most two runs, A and B; got %d", sc.NArg())
		}
		format, err := diffFormat(c.String("format"))
		if err != nil {
			return exitUsage, err
		}
		store, err := openHistory(c)
		if err != nil {
			return exitCommandFailed, err
		}
		defer store.Close()
		ctx := context.Background()
		baseRef, runRef := "", "last"
		switch sc.NArg() {
		case 1:
			runRef = sc.Args().Get(0)
		case 2:
			baseRef, runRef = sc.Args().Get(0), sc.Args().Get(1)
		}
		runID, err := store.Resolve(ctx, runRef)
		if err != nil {
			return exitCommandFailed, err
		}
		baseID := ""
		if baseRef != "" {
			if baseID, err = store.Resolve(ctx, baseRef); err != nil {
				return exitCommandFailed, err
			}
		}
		cmp, err := history.Diff(ctx, store, baseID, runID)
		if err != nil {
			return exitCommandFailed, err
		}
		if err := writeComparison(stdout, cmp, format, useColor(c, stdout)); err != nil {
			return exitCommandFailed, err
		}
		if sc.Bool("exit-code") {
			return cmp.ExitCode(), nil
		}
		return 0, nil
	})
}

// diffFormat is the comparison's format that --format asks for; the
// default format is compact.
func diffFormat(format string) (string, error) {
	switch format {
	case render.DefaultFormat, diffCompact, "text":
		return diffCompact, nil
	case diffJSONL, diffMarkdown, diffHTML:
		return format, nil
	}
	return "", usagef("--format: diff writes compact, jsonl, markdown or html, not %q", format)
}

// writeComparison writes a comparison in format.
func writeComparison(w io.Writer, c *compare.Comparison, format string, color bool) error {
	now := time.Now()
	base, _ := os.Getwd()
	switch format {
	case diffJSONL:
		return render.WriteComparisonJSONL(w, c)
	case diffMarkdown:
		_, err := w.Write(report.RenderComparisonMarkdown(c, report.ComparisonOptions{BaseDir: base, Now: now, Version: version}))
		return err
	case diffHTML:
		page, err := report.RenderComparisonHTML(c, report.ComparisonOptions{BaseDir: base, Now: now, Version: version})
		if err != nil {
			return err
		}
		_, err = w.Write(page)
		return err
	}
	return render.WriteComparison(w, c, render.ComparisonOptions{Color: color, Now: now})
}
