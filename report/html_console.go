package report

import (
	"fmt"
	"strings"
	"sync"

	"github.com/ansible-tap/ansible-tap/event"
)

// consoleLimit is how much of ansible-playbook's console output the HTML
// report keeps: its first and its last half of that, with what lies
// between left out.
const consoleLimit = 4 << 20

// consoleLog keeps what ansible-playbook printed, piece by piece, within
// consoleLimit. It is safe for concurrent use.
type consoleLog struct {
	mu        sync.Mutex
	head      []consolePiece
	tail      []consolePiece
	headBytes int
	tailBytes int
	omitted   int
}

// consolePiece is one piece of output and the stream it was printed on.
type consolePiece struct {
	stream string
	data   []byte
}

// add records a piece of output: in the head until that is full, then in
// the tail, whose oldest pieces make room for the newest.
func (c *consoleLog) add(stream string, data []byte) {
	if len(data) == 0 {
		return
	}
	p := consolePiece{stream, append([]byte(nil), data...)}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.headBytes+len(data) <= consoleLimit/2 && len(c.tail) == 0 {
		c.head = append(c.head, p)
		c.headBytes += len(data)
		return
	}
	c.tail = append(c.tail, p)
	c.tailBytes += len(data)
	for len(c.tail) > 1 && c.tailBytes > consoleLimit/2 {
		c.tailBytes -= len(c.tail[0].data)
		c.omitted += len(c.tail[0].data)
		c.tail = c.tail[1:]
	}
}

// spans returns the console output as styled runs of text.
func (c *consoleLog) spans() []consoleSpan {
	c.mu.Lock()
	defer c.mu.Unlock()
	var t terminalText
	t.text.Grow(c.headBytes + c.tailBytes + 64)
	for _, p := range c.head {
		t.write(p.stream, p.data)
	}
	if c.omitted > 0 {
		t.note(fmt.Sprintf("\n… %d bytes of output left out …\n", c.omitted))
	}
	for _, p := range c.tail {
		t.write(p.stream, p.data)
	}
	return t.end()
}

// consoleSpan is a run of console text in one style: Class lists the
// CSS classes of its colour, weight and stream.
type consoleSpan struct {
	Class string `json:"class,omitempty"`
	Text  string `json:"text"`
}

// terminalText turns what a terminal was sent into styled runs of text: SGR
// colour and bold escapes become classes, other escape sequences and
// control characters are dropped. An escape sequence may span pieces.
type terminalText struct {
	spans   []consoleSpan
	text    strings.Builder // the text of every span, one after the other
	starts  []int           // where each span's text starts in text
	fg      int             // 30–37 or 90–97; 0 for the default colour
	bold    bool
	pending []byte // an escape sequence not yet complete
}

func (t *terminalText) write(stream string, data []byte) {
	if len(t.pending) > 0 {
		data = append(t.pending, data...)
		t.pending = nil
	}
	// Runs of printable bytes go to the spans as they are, between the
	// escape sequences and control characters that are left out.
	class, from := t.class(stream), 0
	for i := 0; i < len(data); i++ {
		b := data[i]
		switch {
		case b == 0x1b:
			t.emit(class, data[from:i])
			n, params, sgr := escapeSequence(data[i:])
			if n == 0 { // incomplete: wait for the next piece
				t.pending = append([]byte(nil), data[i:]...)
				return
			}
			if sgr {
				t.apply(params)
				class = t.class(stream)
			}
			i += n - 1
			from = i + 1
		case b != '\n' && b != '\t' && (b < 0x20 || b == 0x7f):
			t.emit(class, data[from:i])
			from = i + 1
		}
	}
	t.emit(class, data[from:])
}

// note adds text of ansible-tap's own, unstyled.
func (t *terminalText) note(text string) {
	t.emit("note", []byte(text))
}

// emit adds text in the style class, to the last span when it has that
// style. The text of all spans is written once, one after the other.
func (t *terminalText) emit(class string, text []byte) {
	if len(text) == 0 {
		return
	}
	if n := len(t.spans); n == 0 || t.spans[n-1].Class != class {
		t.spans = append(t.spans, consoleSpan{Class: class})
		t.starts = append(t.starts, t.text.Len())
	}
	t.text.Write(text)
}

// end returns the spans of everything written.
func (t *terminalText) end() []consoleSpan {
	all := t.text.String()
	for i := range t.spans {
		end := len(all)
		if i+1 < len(t.starts) {
			end = t.starts[i+1]
		}
		// A character split between two pieces is whole again once they are joined.
		t.spans[i].Text = strings.ToValidUTF8(all[t.starts[i]:end], "\uFFFD")
	}
	return t.spans
}

func (t *terminalText) class(stream string) string {
	class := ""
	if t.fg != 0 {
		class = fmt.Sprintf("a%d", t.fg)
	}
	if t.bold {
		class = joinClass(class, "b")
	}
	if stream == event.StreamStderr {
		class = joinClass(class, "err")
	}
	return class
}

// joinClass adds the class b to the classes a.
func joinClass(a, b string) string {
	if a == "" {
		return b
	}
	return a + " " + b
}

// apply changes the style by the parameters of an SGR sequence.
func (t *terminalText) apply(params []int) {
	if len(params) == 0 {
		params = []int{0}
	}
	for i := 0; i < len(params); i++ {
		switch p := params[i]; {
		case p == 0:
			t.fg, t.bold = 0, false
		case p == 1:
			t.bold = true
		case p == 22:
			t.bold = false
		case p >= 30 && p <= 37, p >= 90 && p <= 97:
			t.fg = p
		case p == 39:
			t.fg = 0
		case p == 38 || p == 48: // 256 colours or RGB: not kept
			if i+1 < len(params) && params[i+1] == 5 {
				i += 2
			} else if i+1 < len(params) && params[i+1] == 2 {
				i += 4
			}
		}
	}
}

// escapeSequence measures the escape sequence at the start of b: its
// length (0 when b ends before it does), and, for an SGR sequence
// (ESC [ … m), its parameters.
func escapeSequence(b []byte) (n int, params []int, sgr bool) {
	if len(b) < 2 {
		return 0, nil, false
	}
	switch b[1] {
	case '[': // CSI: parameters, then a final byte in 0x40–0x7e
		value, has := 0, false
		for i := 2; i < len(b); i++ {
			c := b[i]
			switch {
			case c >= '0' && c <= '9':
				value, has = value*10+int(c-'0'), true
			case c == ';':
				params = append(params, value)
				value, has = 0, false
			case c >= 0x40 && c <= 0x7e:
				if has {
					params = append(params, value)
				}
				return i + 1, params, c == 'm'
			}
		}
		return 0, nil, false
	case ']': // OSC: up to BEL or ESC \
		for i := 2; i < len(b); i++ {
			if b[i] == 0x07 {
				return i + 1, nil, false
			}
			if b[i] == 0x1b && i+1 < len(b) && b[i+1] == '\\' {
				return i + 2, nil, false
			}
		}
		return 0, nil, false
	}
	return 2, nil, false
}
