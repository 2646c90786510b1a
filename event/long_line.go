package event

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// DefaultMaxLine is the longest line of an event stream that the Decoder
// reads as it is, in bytes. A longer line is read in constant memory: an
// event keeps its identity and status with its longest values truncated
// (shrinker), any other line is passed on cut at the limit. With every
// output on, an event of 2 MiB takes ansible-tap to some 45 to 56 MiB at
// its peak; one of 4 MiB took it to 93.
const DefaultMaxLine = 2 << 20

// truncatedMarker starts the note that ends a value or line cut short:
// "…[truncated N bytes]", N being the bytes of the input left out.
const truncatedMarker = "…[truncated "

// appendTruncated appends the note that left bytes were left out.
func appendTruncated(b []byte, left int64) []byte {
	return fmt.Appendf(b, "%s%d bytes]", truncatedMarker, left)
}

// maxLine is the Decoder's line limit.
func (d *Decoder) maxLine() int {
	if d.MaxLine > 0 {
		return d.MaxLine
	}
	return DefaultMaxLine
}

// appendChunk adds a piece of the line being read to d.line, growing it no
// further than the limit and the reader's buffer need.
func (d *Decoder) appendChunk(chunk []byte) {
	if need := len(d.line) + len(chunk); need > cap(d.line) {
		grown := make([]byte, len(d.line), min(max(2*cap(d.line), need), d.maxLine()+d.r.Size()))
		copy(grown, d.line)
		d.line = grown
	}
	d.line = append(d.line, chunk...)
}

// longLine is a line longer than the limit.
type longLine struct {
	head []byte // its first bytes, as read
	size int64  // its length without its line ending; 0 for a line within the limit
	text bool   // it holds no JSON object: it is passed on as text
}

// readLongLine reads a line longer than the limit whose first bytes are
// head; more says whether it goes on in the reader. A line that holds one
// JSON object becomes that object with its long values truncated
// (shrinker); any other is returned as head, to be passed on cut at the
// limit (passLong). Either way the rest of the line is read and dropped as
// it comes. The error is the reader's, other than io.EOF.
func (d *Decoder) readLongLine(head []byte, more bool) ([]byte, error) {
	src := &lineSource{head: head, r: d.r, more: more, beforeWait: d.beforeWait}
	start := bytes.TrimLeft(head, " \t\r")
	shrunk := false
	if len(start) > 0 && start[0] == '{' {
		sh := shrinker{src: src, out: d.shrunk[:0]}
		sh.setLimit(d.maxLine())
		shrunk = sh.line()
		d.shrunk = sh.out
	}
	src.skipLine()
	d.lineNo++
	d.cut = src.cut
	d.long = longLine{head: head, size: src.n, text: !shrunk}
	if shrunk {
		return d.shrunk, src.err
	}
	return head, src.err
}

// passLong passes the long line just read on as text, cut at the limit
// and noted, and says so.
func (d *Decoder) passLong() {
	text := bytes.TrimSuffix(bytes.TrimSuffix(d.long.head, []byte("\n")), []byte("\r"))
	text = text[:min(len(text), d.maxLine())]
	d.Log.Warn().Int("line", d.lineNo).Int64("line_bytes", d.long.size).Int("limit_bytes", d.maxLine()).
		Msg("a line that is not an event, longer than the line limit (--max-line-size): passed on cut at the limit")
	d.shrunk = appendTruncated(append(d.shrunk[:0], text...), d.long.size-int64(len(text)))
	d.passText(d.shrunk)
}

// lineSource reads one line that is too long to hold: head, the bytes
// read already, then the reader's bytes up to the end of the line, which it
// never holds more of than the reader's buffer.
type lineSource struct {
	head       []byte // what is left of head
	r          *bufio.Reader
	more       bool   // the line goes on in r
	beforeWait func() // called before a read that may wait for the writer
	cur        []byte // what is left of the bytes buffered in r
	taken      int    // the bytes of r's buffer consumed, not yet discarded
	n          int64  // bytes of the line consumed, without its line ending
	last       byte   // the last byte consumed
	ended      bool   // the newline, or the end of the stream, was reached
	cut        bool   // the stream ended before the line did
	err        error  // the reader's error that ended the stream, other than io.EOF
}

// avail returns the next bytes of the source, which may run past the end
// of the line (its newline), or nothing when the source is exhausted.
func (s *lineSource) avail() []byte {
	if len(s.head) > 0 {
		return s.head
	}
	if len(s.cur) > 0 {
		return s.cur
	}
	if !s.more || s.ended {
		return nil
	}
	s.release()
	if s.r.Buffered() == 0 {
		if s.beforeWait != nil {
			s.beforeWait()
		}
		if _, err := s.r.Peek(1); err != nil {
			s.ended, s.cut = true, true
			if !errors.Is(err, io.EOF) {
				s.err = err
			}
			return nil
		}
	}
	s.cur, _ = s.r.Peek(s.r.Buffered())
	return s.cur
}

// consume moves past n bytes that avail returned.
func (s *lineSource) consume(n int) {
	if n == 0 {
		return
	}
	s.n += int64(n)
	if len(s.head) > 0 {
		s.last = s.head[n-1]
		s.head = s.head[n:]
		return
	}
	s.last = s.cur[n-1]
	s.cur = s.cur[n:]
	s.taken += n
}

// release tells the reader that the bytes consumed are read.
func (s *lineSource) release() {
	s.r.Discard(s.taken)
	s.taken = 0
	s.cur = nil
}

// skipLine reads the rest of the line, its newline included, and drops it.
func (s *lineSource) skipLine() {
	defer s.release()
	for !s.ended {
		b := s.avail()
		if len(b) == 0 {
			if !s.more && !s.ended {
				s.ended = true // head was all of the line, without a newline
				s.cut = true
			}
			if s.cut && s.last == '\r' && s.n > 0 {
				s.n-- // a CR that ends the stream ends the line, as in readLine
			}
			return
		}
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			s.consume(i)
			if s.last == '\r' && s.n > 0 {
				s.n-- // a CR before the newline is part of the line ending
			}
			s.consume(1)
			s.n-- // and so is the newline
			s.ended = true
			return
		}
		s.consume(len(b))
	}
}
