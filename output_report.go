package main

import (
	"os"

	"github.com/urfave/cli/v2"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/outfile"
	"github.com/ansible-tap/ansible-tap/report"
)

// reportOutput is the CI reports: a JUnit XML file, a Markdown summary
// (appended to $GITHUB_STEP_SUMMARY by default on GitHub Actions) and a
// self-contained HTML report.
func reportOutput() output {
	return output{
		flags: []cli.Flag{
			&cli.StringFlag{Name: "junit-file", Usage: "write a JUnit XML report to `PATH`: one testsuite per play, one testcase per task and host", EnvVars: []string{"ANSIBLE_TAP_JUNIT_FILE"}},
			&cli.BoolFlag{Name: "junit-fail-on-ignore", Usage: "report ignored failures as failures in the JUnit report", EnvVars: []string{"ANSIBLE_TAP_JUNIT_FAIL_ON_IGNORE"}},
			&cli.BoolFlag{Name: "junit-fail-on-change", Usage: "report changed tasks as failures in the JUnit report", EnvVars: []string{"ANSIBLE_TAP_JUNIT_FAIL_ON_CHANGE"}},
			&cli.StringFlag{Name: "summary-file", Usage: "write a Markdown summary of the run to `PATH` (default: append to $GITHUB_STEP_SUMMARY when set; an empty value turns it off)", EnvVars: []string{"ANSIBLE_TAP_SUMMARY_FILE"}},
			&cli.IntFlag{Name: "summary-slowest", Value: report.DefaultSlowest, Usage: "list the `N` slowest tasks in the Markdown summary (0: none)", EnvVars: []string{"ANSIBLE_TAP_SUMMARY_SLOWEST"}},
			&cli.StringFlag{Name: "html-file", Usage: "write a self-contained HTML report to `PATH`: recap, timeline, failures, diffs, durations", EnvVars: []string{"ANSIBLE_TAP_HTML_FILE"}},
		},
		handlers: reportHandlers,
	}
}

// reportHandlers builds the reports; checkOutputFiles has checked their paths.
func reportHandlers(c *cli.Context, env *outputEnv) ([]event.Handler, error) {
	log := env.Log.With().Str("component", "report").Logger()
	base, _ := os.Getwd()
	junitPath, htmlPath := c.String("junit-file"), c.String("html-file")
	summaryPath, stepSummary := summaryFile(c), os.Getenv("GITHUB_STEP_SUMMARY")
	slowest := c.Int("summary-slowest")
	if slowest < 0 {
		return nil, usagef("--summary-slowest: must be 0 or more, got %d", slowest)
	}
	if junitPath == "" && (c.Bool("junit-fail-on-ignore") || c.Bool("junit-fail-on-change")) {
		log.Warn().Msg("--junit-fail-on-ignore and --junit-fail-on-change have no effect without --junit-file")
	}
	var handlers []event.Handler
	if junitPath != "" {
		handlers = append(handlers, report.NewJUnit(report.JUnitOptions{
			Path: junitPath, FailOnIgnore: c.Bool("junit-fail-on-ignore"), FailOnChange: c.Bool("junit-fail-on-change"),
			BaseDir: base, Log: log,
		}))
	}
	if summaryPath != "" {
		handlers = append(handlers, report.NewMarkdown(report.MarkdownOptions{
			Path: summaryPath, Slowest: slowest, Replay: env.Replay, BaseDir: base, Log: log,
			// GitHub collects the step summary from this file: add to it, never replace it.
			Append: stepSummary != "" && outfile.Same(summaryPath, stepSummary),
		}))
	}
	if htmlPath != "" {
		handlers = append(handlers, report.NewHTML(report.HTMLOptions{Path: htmlPath, BaseDir: base, Version: version, Compared: env.Compared, Log: log}))
	}
	return handlers, nil
}

// summaryFile is the Markdown summary's path: --summary-file, else
// $GITHUB_STEP_SUMMARY; "" for none.
func summaryFile(c *cli.Context) string {
	if c.IsSet("summary-file") {
		return c.String("summary-file")
	}
	return os.Getenv("GITHUB_STEP_SUMMARY")
}
