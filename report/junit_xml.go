package report

import (
	"encoding/xml"
	"strconv"
)

// The JUnit XML document, in the shape that GitLab, Jenkins and the GitHub
// test reporters read (the "Ant" JUnit schema with a testsuites root).

type junitTestSuites struct {
	XMLName xml.Name `xml:"testsuites"`
	Name    string   `xml:"name,attr"`
	caseCounts
	Time      string           `xml:"time,attr"`
	Timestamp string           `xml:"timestamp,attr,omitempty"`
	Suites    []junitTestSuite `xml:"testsuite"`
}

type junitTestSuite struct {
	Name string `xml:"name,attr"`
	ID   int    `xml:"id,attr"`
	caseCounts
	Time       string      `xml:"time,attr"`
	Timestamp  string      `xml:"timestamp,attr,omitempty"`
	Properties *junitProps `xml:"properties,omitempty"`
	// Streamed are the suite's test cases in the case file, written
	// before Cases.
	Streamed []byteRange     `xml:"-"`
	Cases    []junitTestCase `xml:"testcase"`
}

type junitProps struct {
	List []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitTestCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Line      string        `xml:"line,attr,omitempty"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
	SystemOut *junitText    `xml:"system-out,omitempty"`
}

// junitProblem is a <failure> or an <error>.
type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

// junitText is an element whose text is kept readable as CDATA.
type junitText struct {
	Text string `xml:",cdata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr,omitempty"`
}

// caseCounts are test cases counted by outcome, as a suite's and the
// document's attributes.
type caseCounts struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Errors   int `xml:"errors,attr"`
	Skipped  int `xml:"skipped,attr"`
}

// count counts a test case.
func (c *caseCounts) count(tc junitTestCase) {
	c.Tests++
	switch {
	case tc.Failure != nil:
		c.Failures++
	case tc.Error != nil:
		c.Errors++
	case tc.Skipped != nil:
		c.Skipped++
	}
}

// addAll adds other's counts.
func (c *caseCounts) addAll(other caseCounts) {
	c.Tests += other.Tests
	c.Failures += other.Failures
	c.Errors += other.Errors
	c.Skipped += other.Skipped
}

// attrs are the counts as attributes, in the order encoding/xml writes them.
func (c caseCounts) attrs() []xml.Attr {
	return []xml.Attr{
		{Name: xml.Name{Local: "tests"}, Value: strconv.Itoa(c.Tests)},
		{Name: xml.Name{Local: "failures"}, Value: strconv.Itoa(c.Failures)},
		{Name: xml.Name{Local: "errors"}, Value: strconv.Itoa(c.Errors)},
		{Name: xml.Name{Local: "skipped"}, Value: strconv.Itoa(c.Skipped)},
	}
}

// add appends a test case to the suite and its counts.
func (s *junitTestSuite) add(c junitTestCase) {
	s.Cases = append(s.Cases, c)
	s.count(c)
}

// addStreamed adds to the suite the test cases written to the case file.
func (s *junitTestSuite) addStreamed(c *suiteCases) {
	if c == nil {
		return
	}
	s.Streamed = append(s.Streamed, c.ranges...)
	s.addAll(c.caseCounts)
}
