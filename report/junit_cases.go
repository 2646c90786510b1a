package report

import (
	"bufio"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"

	"github.com/ansible-tap/ansible-tap/internal/outfile"
)

// caseFile holds the JUnit test cases written so far, each encoded as it
// will appear in the report, in a temporary file: the report's memory does
// not grow with the run. Each test case starts with the newline that puts
// it on a line of its own.
type caseFile struct {
	f       *os.File
	w       *bufio.Writer
	enc     *xml.Encoder // writes to the caseFile itself, which counts
	size    int64        // the bytes written so far
	removed bool         // the file is gone from its directory already
}

// testcaseElement is the element of a test case.
var testcaseElement = xml.StartElement{Name: xml.Name{Local: "testcase"}}

// byteRange is a run of test cases in a caseFile: [start, end).
type byteRange struct{ start, end int64 }

// suiteCases are a suite's test cases in a caseFile, and their counts.
type suiteCases struct {
	caseCounts
	ranges []byteRange
}

// newCaseFile creates a case file beside the report at path, or in the
// system's temporary directory when the report goes into a FIFO or a
// device (outfile.TempDir). Where the system allows it, the file is removed
// from its directory at once, so that it goes with the process whatever
// happens.
func newCaseFile(path string) (*caseFile, error) {
	f, err := os.CreateTemp(outfile.TempDir(path), "."+filepath.Base(path)+".cases-*")
	if err != nil {
		return nil, err
	}
	c := &caseFile{f: f, w: bufio.NewWriterSize(f, 64<<10)}
	c.removed = os.Remove(f.Name()) == nil
	c.enc = xml.NewEncoder(c)
	c.enc.Indent("    ", "  ") // a test case is in a testsuite in testsuites
	return c, nil
}

// Write adds p to the file; the XML encoder writes through it.
func (c *caseFile) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.size += int64(n)
	return n, err
}

// add writes a test case and counts it in suite.
func (c *caseFile) add(suite *suiteCases, tc junitTestCase) error {
	start := c.size
	if start == 0 {
		// The encoder starts every element but its first on a new line.
		if _, err := c.Write([]byte{'\n'}); err != nil {
			return err
		}
	}
	if err := c.enc.EncodeElement(tc, testcaseElement); err != nil {
		return err
	}
	if n := len(suite.ranges); n > 0 && suite.ranges[n-1].end == start {
		suite.ranges[n-1].end = c.size
	} else {
		suite.ranges = append(suite.ranges, byteRange{start, c.size})
	}
	suite.count(tc)
	return nil
}

// copyTo writes the test cases of ranges to w, in order.
func (c *caseFile) copyTo(w io.Writer, ranges []byteRange) error {
	if err := c.w.Flush(); err != nil {
		return err
	}
	for _, r := range ranges {
		if _, err := io.Copy(w, io.NewSectionReader(c.f, r.start, r.end-r.start)); err != nil {
			return err
		}
	}
	return nil
}

// remove closes the file and removes it; a nil caseFile has nothing to remove.
func (c *caseFile) remove() {
	if c == nil {
		return
	}
	c.f.Close()
	if !c.removed {
		os.Remove(c.f.Name())
		c.removed = true
	}
}
