package report

import (
	"encoding/json"
	"os/exec"
	"testing"
)

// junitCounts are the counts a JUnit consumer reads from a report.
type junitCounts struct {
	Tests    int `json:"tests"`
	Failures int `json:"failures"`
	Errors   int `json:"errors"`
	Skipped  int `json:"skipped"`
}

// junitparserScript reads a report with junitparser and prints the counts it
// finds twice: from the results of the test cases, and from the attributes.
const junitparserScript = `
import json, sys
from junitparser import JUnitXml, Failure, Error, Skipped
xml = JUnitXml.fromfile(sys.argv[1])
cases = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
attrs = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
messages = []
for suite in xml:
    for k in attrs:
        attrs[k] += int(getattr(suite, k) or 0)
    for case in suite:
        cases["tests"] += 1
        for r in case.result:
            if isinstance(r, Failure): cases["failures"] += 1
            elif isinstance(r, Error): cases["errors"] += 1
            elif isinstance(r, Skipped): cases["skipped"] += 1
            if isinstance(r, (Failure, Error)):
                messages.append({"case": case.name, "message": r.message or "", "text": r.text or ""})
print(json.dumps({"cases": cases, "attributes": attrs, "messages": messages}))
`

// junitparserResult is what junitparser read from a report.
type junitparserResult struct {
	Cases      junitCounts `json:"cases"`
	Attributes junitCounts `json:"attributes"`
	Messages   []struct {
		Case, Message, Text string
	} `json:"messages"`
}

// readWithJunitparser parses a JUnit file with junitparser (Debian
// python3-junitparser) and checks that its attributes agree with its cases.
func readWithJunitparser(t *testing.T, path string) junitparserResult {
	t.Helper()
	python := junitparserPython(t)
	out, err := exec.Command(python, "-c", junitparserScript, path).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("junitparser cannot read %s: %v\n%s", path, err, ee.Stderr)
		}
		t.Fatal(err)
	}
	var r junitparserResult
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if r.Cases != r.Attributes {
		t.Errorf("%s: the counts of the test cases %+v differ from the suites' attributes %+v", path, r.Cases, r.Attributes)
	}
	return r
}

// junitparserPython is the first python3 that can import junitparser.
func junitparserPython(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		if exec.Command(p, "-c", "import junitparser").Run() == nil {
			return p
		}
	}
	t.Fatal("no python3 with junitparser: apt-get install python3-junitparser")
	return ""
}
