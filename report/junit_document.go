package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
)

// writeDocument writes the report as encoding/xml indents it, copying each
// suite's streamed test cases from the case file into place.
func (j *JUnit) writeDocument(w io.Writer, doc *junitTestSuites) error {
	x := &xmlWriter{w: w}
	x.raw(xml.Header)
	attrs := []xml.Attr{{Name: xml.Name{Local: "name"}, Value: doc.Name}}
	attrs = append(append(attrs, doc.attrs()...), xml.Attr{Name: xml.Name{Local: "time"}, Value: doc.Time})
	x.startTag("testsuites", attrs, doc.Timestamp)
	for i := range doc.Suites {
		j.writeSuite(x, &doc.Suites[i])
	}
	if len(doc.Suites) > 0 {
		x.raw("\n")
	}
	x.raw("</testsuites>\n")
	return x.err
}

// writeSuite writes a testsuite element on a line of its own: its
// properties, its streamed test cases, then its other ones.
func (j *JUnit) writeSuite(x *xmlWriter, s *junitTestSuite) {
	x.raw("\n  ")
	attrs := []xml.Attr{
		{Name: xml.Name{Local: "name"}, Value: s.Name},
		{Name: xml.Name{Local: "id"}, Value: strconv.Itoa(s.ID)},
	}
	attrs = append(append(attrs, s.attrs()...), xml.Attr{Name: xml.Name{Local: "time"}, Value: s.Time})
	x.startTag("testsuite", attrs, s.Timestamp)
	empty := true
	if s.Properties != nil {
		x.element(s.Properties, "properties")
		empty = false
	}
	if len(s.Streamed) > 0 {
		if x.err == nil {
			x.err = j.cases.copyTo(x.w, s.Streamed)
		}
		empty = false
	}
	for _, c := range s.Cases {
		x.element(c, "testcase")
		empty = false
	}
	if !empty {
		x.raw("\n  ")
	}
	x.raw("</testsuite>")
}

// xmlWriter writes parts of an XML document and keeps the first error.
type xmlWriter struct {
	w   io.Writer
	err error
}

func (x *xmlWriter) raw(s string) {
	if x.err == nil {
		_, x.err = io.WriteString(x.w, s)
	}
}

// startTag writes an element's start tag, with the timestamp attribute
// last when there is one, escaped as encoding/xml escapes attributes.
func (x *xmlWriter) startTag(name string, attrs []xml.Attr, timestamp string) {
	if timestamp != "" {
		attrs = append(attrs, xml.Attr{Name: xml.Name{Local: "timestamp"}, Value: timestamp})
	}
	if x.err != nil {
		return
	}
	enc := xml.NewEncoder(x.w)
	if x.err = enc.EncodeToken(xml.StartElement{Name: xml.Name{Local: name}, Attr: attrs}); x.err == nil {
		x.err = enc.Flush()
	}
}

// element writes v as an element of a testsuite, on a line of its own.
func (x *xmlWriter) element(v any, name string) {
	x.raw("\n")
	if x.err != nil {
		return
	}
	enc := xml.NewEncoder(x.w)
	enc.Indent("    ", "  ")
	if err := enc.EncodeElement(v, xml.StartElement{Name: xml.Name{Local: name}}); err != nil {
		x.err = fmt.Errorf("encoding a %s: %w", name, err)
	}
}
