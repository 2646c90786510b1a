package main

import (
	"os"

	"github.com/urfave/cli/v2"

	"github.com/ansible-tap/ansible-tap/internal/outfile"
)

// outputFile is a file that an output writes, and the flag (or variable)
// that names it.
type outputFile struct{ name, path string }

// outputFiles are the files that the flags name, in the order of --help;
// a replay writes no events file.
func outputFiles(c *cli.Context, replay bool) []outputFile {
	summary := outputFile{"--summary-file", summaryFile(c)}
	if !c.IsSet("summary-file") {
		summary.name = "$GITHUB_STEP_SUMMARY"
	}
	all := []outputFile{
		{"--events-file", c.String("events-file")},
		{"--prom-file", c.String("prom-file")},
		{"--junit-file", c.String("junit-file")},
		summary,
		{"--html-file", c.String("html-file")},
	}
	if replay {
		all = all[1:]
	}
	var files []outputFile
	for _, f := range all {
		if f.path != "" {
			files = append(files, f)
		}
	}
	return files
}

// checkOutputFiles refuses, before the run starts, an output file that
// could not be written (a missing directory, a directory, a block device:
// see outfile.Check) and two outputs that name the same file, with one
// line that names the flag, the path and the reason; nor may an output
// replace the recording that a replay reads (input, "" for none). It
// creates nothing.
func checkOutputFiles(c *cli.Context, replay bool, input string) error {
	files := outputFiles(c, replay)
	for i, f := range files {
		if err := outfile.Check(f.path); err != nil {
			return usagef("%s: %v", f.name, err)
		}
		if input != "" && outfile.Same(f.path, input) {
			return usagef("%s: %s is the recording being replayed", f.name, f.path)
		}
		for _, earlier := range files[:i] {
			if outfile.Same(f.path, earlier.path) {
				return usagef("%s: %s is the file of %s too", f.name, f.path, earlier.name)
			}
		}
	}
	return nil
}

// openEventsFile opens the events file, private to its owner and locked:
// another run writing the same file refuses to start, and leaves it whole.
func openEventsFile(path string) (*os.File, error) {
	f, err := outfile.OpenStream(path, outfile.Private)
	if err != nil {
		return nil, usagef("--events-file: %v", err)
	}
	return f, nil
}
