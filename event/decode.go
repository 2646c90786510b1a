package event

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/internal/jsonscan"
)

// Decoder reads an event stream: JSON lines written by ansible-tap's callback
// or by the stock ansible.posix.jsonl callback, or one document written by the
// stock ansible.posix.json callback. A line that is not a JSON event is
// written to Text (when set) and never stops decoding; an event of an
// unknown kind is skipped with a debug log. Memory stays bounded whatever
// the input: a line longer than MaxLine is read in pieces, an event keeping
// its identity and status with its longest values truncated (Event.Truncated),
// any other line passed on cut at the limit.
type Decoder struct {
	// Text receives every line that is not an event, with its newline.
	// Lines before the stream's first event or record of ansible-tap's are
	// held (up to 64 KiB) and passed on once one comes: a stream with no
	// run in it passes none of its text on (a replay then says so in one
	// line).
	Text io.Writer
	// Console receives what ansible-playbook printed, from the console
	// records of an events file (ConsoleEvent), in stream order; nil
	// drops them. stream is StreamStdout, StreamStderr or StreamTerminal.
	Console func(stream string, data []byte)
	// ConsoleRecorded is true once the stream's run-start record said that
	// it records what ansible-playbook printed.
	ConsoleRecorded bool
	// SummaryHidden is true once the stream's run-start record said that
	// ansible-tap printed no summary after Ansible's output (--no-summary).
	SummaryHidden bool
	// RunStarted is true once the stream's run-start record was read.
	RunStarted bool
	// Log receives diagnostics about skipped lines.
	Log zerolog.Logger
	// MaxLine is the longest line read as it is, in bytes; 0 means
	// DefaultMaxLine.
	MaxLine int

	r       *bufio.Reader
	held    []byte // text held until the first event or record
	sawRun  bool   // an event or record was read: text passes at once
	line    []byte
	lineNo  int
	pending []*Event // events converted from a JSON document
	doc     [][]byte // the lines of a multi-line JSON document being read
	depth   int      // the brace depth at the end of doc
	cut     bool     // the line just read had no newline: the writer stopped there
	docSize int      // the bytes of doc
	long    longLine // the line just read, when it was longer than the limit
	shrunk  []byte   // the shrunk line of an event longer than the limit
	play    *Play
	tasks   map[string]*Task
	// taskObjects are the Tasks of task objects seen, by their bytes.
	taskObjects map[string]*Task
	// slowOnly turns the fast path off: the tests compare both paths.
	slowOnly bool
	// beforeWait is called before a read that may wait for the writer.
	beforeWait func()
	names      names
	wire       wireEvent  // the line being decoded
	counts     HostCounts // a host's counts being read from the stats
	plays      map[string]*Play
	// NonEvents counts the lines that were not events.
	NonEvents int
	// Unknown counts the events of an unknown kind.
	Unknown int
	// Truncated is true when the stream ended in the middle of a JSON line
	// that is not a whole event: its writer died while writing.
	Truncated bool
	// ExitCode is ansible-playbook's exit code when the stream ends with
	// the record that ansible-tap adds to an events file; nil otherwise.
	ExitCode *int
	// Interrupted is what that record says of the run; nil without it.
	Interrupted *bool
	// Ended is when that record says the run ended; zero without it.
	Ended time.Time
	// Trailers counts those records: read, never passed on.
	Trailers int
}

// NewDecoder returns a Decoder reading from r.
func NewDecoder(r io.Reader) *Decoder {
	return &Decoder{
		r:           bufio.NewReaderSize(r, 64<<10),
		tasks:       make(map[string]*Task),
		taskObjects: make(map[string]*Task),
		names:       make(names),
		plays:       make(map[string]*Play),
		Log:         zerolog.Nop(),
	}
}

// Next returns the next event, or io.EOF at the end of the stream.
// Any other error comes from the underlying reader.
func (d *Decoder) Next() (*Event, error) {
	for {
		if len(d.pending) > 0 {
			ev := d.pending[0]
			d.pending = d.pending[1:]
			d.runSeen()
			return complete(ev), nil
		}
		line, err := d.readLine()
		if len(line) > 0 {
			ev := d.decodeLine(line)
			if d.cut && ev == nil && bytes.HasPrefix(bytes.TrimSpace(line), []byte("{")) {
				d.Truncated = true // an event cut short: its writer died
				d.runSeen()
			}
			if ev != nil {
				d.runSeen()
				return complete(ev), nil
			}
		}
		if err != nil {
			if d.doc != nil {
				d.Truncated = d.Truncated || d.depth > 0
				d.flushDocument()
				continue // its events, if any, are pending
			}
			return nil, err
		}
	}
}

// wouldWait reports whether reading the next line may wait for the
// writer: no whole line is buffered.
func (d *Decoder) wouldWait() bool {
	buffered, _ := d.r.Peek(d.r.Buffered())
	return bytes.IndexByte(buffered, '\n') < 0
}

// complete fills in what an event's kind promises and its line left out, so
// that handlers never meet a nil Playbook, Play, Task or Result where the
// kind has one: a playbook start has a Playbook, a play start a Play, task
// events a Task, and results, items, retries and async events a Result.
func complete(ev *Event) *Event {
	switch {
	case ev.Kind == PlaybookStart && ev.Playbook == nil:
		ev.Playbook = &Playbook{}
	case ev.Kind == PlayStart && ev.Play == nil:
		ev.Play = &Play{Start: ev.Time}
	}
	if ev.Task == nil && (ev.Kind.IsTaskStart() || ev.Kind.carriesResult() || ev.Kind == RunnerStart) {
		ev.Task = &Task{}
	}
	if ev.Result == nil && ev.Kind.carriesResult() {
		ev.Result = &Result{Raw: json.RawMessage("{}")}
	}
	return ev
}

// readLine returns the next line without its line ending. The slice is
// reused by the next call.
func (d *Decoder) readLine() ([]byte, error) {
	d.line = d.line[:0]
	d.long = longLine{}
	for {
		if d.beforeWait != nil && d.wouldWait() {
			d.beforeWait()
		}
		chunk, err := d.r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			d.appendChunk(chunk)
			if len(d.line) > d.maxLine() {
				return d.readLongLine(d.line, true)
			}
			continue
		}
		var line []byte
		if len(d.line) == 0 {
			line = chunk // no copy for lines that fit the buffer
		} else {
			d.appendChunk(chunk)
			line = d.line
		}
		if len(line) > d.maxLine()+1 && len(bytes.TrimRight(line, "\r\n")) > d.maxLine() {
			long, _ := d.readLongLine(line, false)
			if err == io.EOF {
				err = nil // the next read ends the stream
			}
			return long, err
		}
		d.lineNo++
		d.cut = err == io.EOF
		line = bytes.TrimSuffix(line, []byte("\n"))
		line = bytes.TrimSuffix(line, []byte("\r"))
		if err == nil && len(line) == 0 {
			continue
		}
		if err == io.EOF && len(line) > 0 {
			// A last line without a newline: the stream was cut short.
			return line, nil
		}
		return line, err
	}
}

// decodeLine turns one line into an event; nil when it is not one.
func (d *Decoder) decodeLine(line []byte) *Event {
	if d.long.text {
		if d.doc != nil {
			d.flushDocument()
		}
		d.passLong()
		return nil
	}
	trimmed := bytes.TrimSpace(line)
	if d.doc != nil && d.documentLine(line, trimmed) {
		return nil
	}
	if len(trimmed) == 0 || trimmed[0] != '{' {
		d.passText(line)
		return nil
	}
	if bytes.Equal(trimmed, []byte("{")) {
		// Perhaps the start of an indented ansible.posix.json document.
		d.doc = [][]byte{append([]byte(nil), line...)}
		d.depth, d.docSize = 1, len(line)+1
		return nil
	}
	w := &d.wire
	*w = wireEvent{}
	if d.slowOnly || !d.scanWire(line, w) {
		*w = wireEvent{}
		if err := wireFields.decode(line, w); err != nil {
			d.Log.Debug().Int("line", d.lineNo).Err(err).Msg("not a JSON event, passed on")
			d.passLine(line)
			return nil
		}
	}
	if d.long.size > 0 {
		d.warnShrunk(w, int64(len(line)))
	}
	if d.record(w, line) {
		return nil
	}
	if w.encodeError != "" {
		d.Log.Warn().Str("event", w.kind).Str("error", w.encodeError).Msg("ansible-tap's callback could not encode a result; the event keeps its identity and status")
	}
	if w.kind == "" {
		if w.plays != nil {
			ev := w.event()
			doc := document{Plays: w.plays, Stats: ev.Stats, CustomStats: ev.CustomStats, GlobalCustomStats: ev.GlobalCustomStats}
			d.pending = append(d.pending, d.fromDocument(&doc)...)
			return nil
		}
		d.passLine(line)
		return nil
	}
	ev, err := d.fromWire(w)
	if err != nil {
		d.Unknown++
		d.Log.Debug().Int("line", d.lineNo).Str("event", w.kind).Msg("unknown event kind, skipped")
		return nil
	}
	ev.Raw = line
	if d.long.size > 0 {
		ev.Truncated = d.long.size - int64(len(line))
	}
	return ev
}

// documentLine adds a line to the multi-line JSON document being read,
// and reports whether it took it: a whole event line ends the document
// instead, which was then none.
func (d *Decoder) documentLine(line, trimmed []byte) bool {
	if isEventLine(trimmed) {
		d.flushDocument() // what was read before was no document
		return false
	}
	if d.long.size > 0 {
		d.flushDocument() // it cannot be read whole
		d.passLong()
		return true
	}
	d.doc = append(d.doc, append([]byte(nil), line...))
	d.docSize += len(line) + 1
	d.depth += braceDelta(line)
	switch {
	case d.depth <= 0:
		d.flushDocument()
	case d.docSize > d.maxLine():
		d.Log.Warn().Int("line", d.lineNo).Int("limit_bytes", d.maxLine()).
			Msg("a JSON document longer than the line limit (--max-line-size): not read, its lines passed on")
		d.flushDocument()
	}
	return true
}

// record reads one of ansible-tap's own records (run start and end,
// console output, the callback's diagnostics), and reports whether w was
// one.
func (d *Decoder) record(w *wireEvent, line []byte) bool {
	switch w.kind {
	case RunEndEvent, RunStartEvent, ConsoleEvent, DiagnosticEvent:
		d.runSeen() // ansible-tap's own records: an events file
	default:
		return false
	}
	switch w.kind {
	case RunEndEvent:
		d.runEnd(w)
	case RunStartEvent:
		d.ConsoleRecorded = w.console
		d.SummaryHidden = w.summary != nil && !*w.summary
		d.RunStarted = true
	case ConsoleEvent:
		if !d.console(w) {
			d.passLine(line) // its data does not decode: lose nothing
		}
	case DiagnosticEvent:
		d.Log.Warn().Str("hook", w.hook).Str("error", w.hookError).Msg("ansible-tap's callback reports a problem; the events it sent hold what it could say")
	}
	return true
}

// runEnd reads the run-end record. An exit code that no process can have
// (a damaged or hand-made file) is left out with a warning: the replay then
// exits with the code the events imply.
func (d *Decoder) runEnd(w *wireEvent) {
	d.Trailers++
	d.ExitCode, d.Interrupted = w.exitCode, w.interrupted
	if c := w.exitCode; c != nil && (*c < 0 || *c > maxExitCode) {
		d.Log.Warn().Int("line", d.lineNo).Int("exit_code", *c).Msg("the run-end record holds no valid exit code (0 to 255); the replay exits with the code its events imply")
		d.ExitCode = nil
	}
	d.Ended = w.time()
}

// maxExitCode is the largest exit code a process can have.
const maxExitCode = 255

// warnShrunk says that the line just read was longer than the limit, and
// which event it holds; shrunk is the length it was shrunk to.
func (d *Decoder) warnShrunk(w *wireEvent, shrunk int64) {
	l := d.Log.Warn().Int("line", d.lineNo).Int64("line_bytes", d.long.size).Int("limit_bytes", d.maxLine()).
		Int64("bytes_left_out", d.long.size-shrunk).Str("event", w.kind)
	if w.ev != nil && w.ev.Host != "" {
		l = l.Str("host", w.ev.Host)
	} else if w.resultHost != "" {
		l = l.Str("host", w.resultHost)
	}
	if w.knownTask != nil {
		l = l.Str("task", w.knownTask.Name)
	} else if w.task != nil {
		l = l.Str("task", w.task.Name)
	}
	l.Msg("an event longer than the line limit (--max-line-size): its longest values are truncated, its identity and status kept")
}

// console passes a console record on to Console; false when its data
// does not decode.
func (d *Decoder) console(w *wireEvent) bool {
	if d.Console == nil {
		return true
	}
	data := []byte(w.data)
	if w.dataBase64 != "" {
		// A record longer than the line limit keeps the start of its
		// data, then the note of what was left out.
		encoded, note, _ := strings.Cut(w.dataBase64, truncatedMarker)
		var err error
		if data, err = base64.StdEncoding.DecodeString(encoded); err != nil {
			d.Log.Warn().Int("line", d.lineNo).Err(err).Msg("a console record whose data does not decode, passed on as text")
			return false
		}
		if note != "" {
			data = append(data, truncatedMarker+note...)
		}
	}
	d.Console(w.stream, data)
	return true
}

// passLine passes a line that is not an event on as text: one longer than
// the limit cut at the limit.
func (d *Decoder) passLine(line []byte) {
	if d.long.size > 0 {
		d.passLong()
		return
	}
	d.passText(line)
}

func (d *Decoder) passText(line []byte) {
	d.NonEvents++
	if d.Text == nil {
		return
	}
	if !d.sawRun && len(d.held)+len(line)+1 <= maxHeldText {
		d.held = append(append(d.held, line...), '\n')
		return
	}
	d.runSeen() // too much text to hold: pass it on from now on
	d.Text.Write(line)
	d.Text.Write([]byte("\n"))
}

// maxHeldText bounds the text a Decoder holds before the stream's first
// event or record.
const maxHeldText = 64 << 10

// runSeen says that the stream holds a run, or too much text to hold: the
// text held until now is passed on, and text from now on passes at once.
func (d *Decoder) runSeen() {
	if d.sawRun {
		return
	}
	d.sawRun = true
	if len(d.held) > 0 && d.Text != nil {
		d.Text.Write(d.held)
	}
	d.held = nil
}

// flushDocument ends the multi-line document being read: a complete stock
// ansible.posix.json report becomes events, anything else is passed on as text.
func (d *Decoder) flushDocument() {
	lines := d.doc
	d.doc, d.depth, d.docSize = nil, 0, 0
	if len(lines) > 1 {
		var doc document
		if err := json.Unmarshal(bytes.Join(lines, []byte("\n")), &doc); err == nil && doc.Plays != nil {
			d.pending = append(d.pending, d.fromDocument(&doc)...)
			return
		}
	}
	d.Log.Debug().Int("line", d.lineNo).Msg("lines that are not an ansible.posix.json report, passed on")
	for _, l := range lines {
		d.passText(l)
	}
}

// isEventLine reports whether a trimmed line is a whole JSON event by itself.
func isEventLine(trimmed []byte) bool {
	return len(trimmed) > 2 && trimmed[0] == '{' && trimmed[len(trimmed)-1] == '}' &&
		bytes.Contains(trimmed, []byte(`"_event"`)) && json.Valid(trimmed)
}

// braceDelta is the change in object nesting depth over one line of JSON,
// not counting braces inside strings.
func braceDelta(line []byte) int {
	depth := 0
	inString, escaped := false, false
	for _, c := range line {
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case inString:
		case c == '{':
			depth++
		case c == '}':
			depth--
		}
	}
	return depth
}

// isTrueish reports whether a JSON value says yes: true, or a string or
// number that Ansible reads as true.
func isTrueish(data []byte) bool {
	if len(data) > 0 && data[0] == '"' {
		data = data[1:]
	}
	if len(data) > 0 && data[len(data)-1] == '"' {
		data = data[:len(data)-1]
	}
	if len(data) > 5 { // longer than any of the words, quoted or not
		return false
	}
	var lower [5]byte
	for i, c := range data {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		lower[i] = c
	}
	switch string(lower[:len(data)]) {
	case "true", "yes", "1", "on":
		return true
	}
	return false
}

// timestampLayout is the UTC time of the callbacks, without a zone but a Z.
const timestampLayout = "2006-01-02T15:04:05.999999999Z"

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(timestampLayout, s)
	if err != nil {
		t, _ = time.Parse(time.RFC3339Nano, s)
	}
	return t
}

var errUnknownKind = errors.New("unknown event kind")

func (d *Decoder) fromWire(w *wireEvent) (*Event, error) {
	kind := Kind(strings.TrimPrefix(w.kind, "v2_"))
	if !kind.Known() {
		return nil, fmt.Errorf("%w: %q", errUnknownKind, w.kind)
	}
	ev := w.event()
	ev.Kind, ev.Time = kind, w.time()
	if w.play != nil {
		d.play = d.playFor(w.play, ev.Time)
	}
	ev.Play = d.play
	switch {
	case w.knownTask != nil:
		ev.Task = w.knownTask
	case w.task != nil:
		ev.Task = d.taskFor(&w.task.Task)
		if w.taskObject != nil && ev.Task.ID != "" {
			d.rememberTaskObject(w.taskObject, ev.Task)
		}
	}
	if w.handler != nil {
		ev.Handler = w.handler.Name
	}
	if w.includedFile != nil {
		ev.IncludedFile = w.includedFile.Path
		ev.IncludeHosts = w.includedFile.Hosts
	}
	if w.result != nil {
		ev.setResult(w.resultHost, w.result)
	}
	if host, ok := resultHost(w.hosts, ev.Host); ok {
		ev.setResult(host, decodeResult(w.hosts[host]))
	}
	if ev.Result != nil && kind == RunnerRetry {
		if w.attempts > 0 {
			ev.Result.Attempts = w.attempts
		}
		if w.retries > 0 {
			ev.Result.Retries = w.retries
		}
	}
	if kind == RunnerFailed || kind == ItemFailed || kind == AsyncFailed {
		switch {
		case w.ignoreErrors:
			ev.Disposition = Ignored
		case w.rescued:
			ev.Disposition = Rescued
		default:
			ev.Disposition = Fatal
		}
	}
	return ev, nil
}

// resultHost chooses the host whose result an event carries. ansible-tap
// and the stock callbacks put exactly one host in "hosts"; of more, the
// event's own host, else the first in sorted order, so that a line always
// decodes the same.
func resultHost(hosts map[string]json.RawMessage, named string) (string, bool) {
	if _, ok := hosts[named]; ok {
		return named, true
	}
	if len(hosts) == 0 {
		return "", false
	}
	return slices.Min(slices.Collect(maps.Keys(hosts))), true
}

// setResult gives ev a host's result, and the host, item label and action
// that the event's own fields left out.
func (ev *Event) setResult(host string, r *decodedResult) {
	if ev.Host == "" {
		ev.Host = host
	}
	ev.Result = &r.Result
	if ev.Item == "" && ev.Kind.IsItem() {
		ev.Item = r.itemLabel
	}
	if ev.Task != nil && ev.Task.Action == "" && r.action != "" {
		ev.Task.Action = r.action
	}
}

// maxTaskObjects bounds the task objects a Decoder remembers: the tasks
// running now are what it meets again.
const maxTaskObjects = 4096

// rememberTaskObject makes the next event with these task object bytes
// take t without decoding them.
func (d *Decoder) rememberTaskObject(object []byte, t *Task) {
	if len(d.taskObjects) >= maxTaskObjects {
		clear(d.taskObjects)
	}
	d.taskObjects[string(object)] = t
}

// playFor returns the Play for a decoded play description; a play started
// again (the next serial batch) keeps its identity.
func (d *Decoder) playFor(w *wirePlay, at time.Time) *Play {
	if p, ok := d.plays[w.ID]; ok && w.ID != "" {
		return p
	}
	p := w.Play
	p.Start = parseTime(w.Duration.Start)
	if p.Start.IsZero() {
		p.Start = at
	}
	d.plays[p.ID] = &p
	return &p
}

// taskFor returns the one Task value for a task id, so that handlers can
// compare tasks by pointer.
func (d *Decoder) taskFor(t *Task) *Task {
	if t.ID == "" {
		c := *t
		return &c
	}
	if known, ok := d.tasks[t.ID]; ok {
		if known.Action == "" {
			known.Action = t.Action
		}
		return known
	}
	c := *t
	d.tasks[t.ID] = &c
	return &c
}

type decodedResult struct {
	wireResult
	itemLabel string // the label of the result's loop item
}

func decodeResult(raw json.RawMessage) *decodedResult {
	r := &decodedResult{}
	_ = resultFields.decode(raw, &r.wireResult) // a result that is not an object keeps its Raw
	r.fill(raw)
	return r
}

// fill completes a result whose return values were read from raw: a
// copy of raw, and the label of its item.
func (r *decodedResult) fill(raw []byte) {
	r.Raw = append(json.RawMessage(nil), raw...)
	switch {
	case len(r.label) > 0:
		r.itemLabel = textOf(r.label)
	case len(r.item) > 0:
		r.itemLabel = textOf(r.item)
	}
	r.item, r.label = nil, nil // they are the line's bytes
}

// textOf renders a JSON value as text: strings unquoted, anything else as compact JSON.
func textOf(raw []byte) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	if raw[0] == '"' && len(raw) >= 2 && raw[len(raw)-1] == '"' {
		if s, ok := jsonscan.Unquote(raw[1:len(raw)-1], bytes.IndexByte(raw, '\\') >= 0); ok {
			return s
		}
	}
	var b bytes.Buffer
	if json.Compact(&b, raw) == nil {
		return b.String()
	}
	return string(raw)
}
