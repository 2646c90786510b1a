package main

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/ansible-tap/ansible-tap/report"
	"github.com/ansible-tap/ansible-tap/runner"
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

func reportHandlers(c *cli.Context, env *outputEnv) ([]runner.Handler, error) {
	log := env.Log.With().Str("component", "report").Logger()
	base, _ := os.Getwd()
	junitPath := c.String("junit-file")
	summaryPath := c.String("summary-file")
	stepSummary := os.Getenv("GITHUB_STEP_SUMMARY")
	if !c.IsSet("summary-file") {
		summaryPath = stepSummary
	}
	if err := checkReportPath(junitPath); err != nil {
		return nil, usagef("--junit-file: %v", err)
	}
	if err := checkReportPath(summaryPath); err != nil {
		return nil, usagef("--summary-file: %v", err)
	}
	if junitPath != "" && summaryPath != "" && samePath(junitPath, summaryPath) {
		return nil, usagef("--summary-file: the same file as --junit-file")
	}
	htmlPath := c.String("html-file")
	if err := checkReportPath(htmlPath); err != nil {
		return nil, usagef("--html-file: %v", err)
	}
	for _, other := range []struct{ flag, path string }{{"--junit-file", junitPath}, {"--summary-file", summaryPath}} {
		if htmlPath != "" && other.path != "" && samePath(htmlPath, other.path) {
			return nil, usagef("--html-file: the same file as %s", other.flag)
		}
	}
	slowest := c.Int("summary-slowest")
	if slowest < 0 {
		return nil, usagef("--summary-slowest: must be 0 or more, got %d", slowest)
	}
	if junitPath == "" && (c.Bool("junit-fail-on-ignore") || c.Bool("junit-fail-on-change")) {
		log.Warn().Msg("--junit-fail-on-ignore and --junit-fail-on-change have no effect without --junit-file")
	}
	var handlers []runner.Handler
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
			Append: stepSummary != "" && samePath(summaryPath, stepSummary),
		}))
	}
	if htmlPath != "" {
		handlers = append(handlers, report.NewHTML(report.HTMLOptions{Path: htmlPath, BaseDir: base, Version: version, Log: log}))
	}
	return handlers, nil
}

// checkReportPath refuses a path that names a directory; a missing
// directory is created when the report is written.
func checkReportPath(path string) error {
	if path == "" {
		return nil
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return errIsDirectory
	}
	return nil
}

var errIsDirectory = errors.New("is a directory")

// samePath reports whether two paths name the same file.
func samePath(a, b string) bool {
	if fa, err := os.Stat(a); err == nil {
		if fb, err := os.Stat(b); err == nil {
			return os.SameFile(fa, fb)
		}
	}
	aa, errA := filepath.Abs(a)
	ab, errB := filepath.Abs(b)
	return errA == nil && errB == nil && aa == ab
}
