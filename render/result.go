package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/ansible-tap/ansible-tap/event"
)

// clean makes text from a result safe for a terminal: remote output must
// not move the cursor, recolour or retitle it. A CRLF line end becomes a
// newline; every other control character (C0 but newline and tab, DEL and
// C1) and every byte that is not UTF-8 is escaped: \r as `\r`, the others
// as `\x1b` or `\u009b`. Everything printed from a result goes through it.
func clean(s string) string {
	if utf8.ValidString(s) && strings.IndexFunc(s, unsafeRune) < 0 {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\r':
			b.WriteString(`\r`)
		case unsafeRune(r) && r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// unsafeRune reports whether r is a control character that clean escapes.
func unsafeRune(r rune) bool {
	return (r < 0x20 && r != '\n' && r != '\t') || (r >= 0x7f && r < 0xa0)
}

// fields are the return values of a result, by key.
type fields map[string]json.RawMessage

// resultFields reads the return values of r; nil when it holds none.
func resultFields(r *event.Result) fields {
	var f fields
	if r != nil {
		_ = json.Unmarshal(r.Raw, &f) // a result that is not an object holds nothing to show
	}
	return f
}

// isAction reports whether task runs one of ansible-core's actions named
// short in names, however it is spelled (event.IsAction).
func isAction(task *event.Task, names ...string) bool {
	return task != nil && event.IsAction(task.Action, names...)
}

// okOutput is what an ok result shows after " => ", as ansible-playbook
// shows it for the actions that always speak: the msg of debug and assert,
// and debug's var=NAME as "NAME: value". Other results show nothing.
func okOutput(ev *event.Event) string {
	if ev.NoLog || !isAction(ev.Task, "debug", "assert") {
		return ""
	}
	f := resultFields(ev.Result)
	if msg, ok := f["msg"]; ok {
		return valueText(msg)
	}
	if isAction(ev.Task, "assert") {
		return ""
	}
	return debugVars(f)
}

// debugHidden are the keys of a debug result that are not its variable:
// what Ansible's callbacks hide from it, and the loop's own variables.
var debugHidden = map[string]bool{
	"changed": true, "failed": true, "skipped": true, "invocation": true, "skip_reason": true,
	"warnings": true, "deprecations": true, "action": true,
	"item": true, "ansible_loop_var": true, "ansible_index_var": true, "ansible_loop": true,
}

// debugVars shows the variables of a debug var=NAME result as
// "NAME: value", the value as one line of JSON.
func debugVars(f fields) string {
	hidden := func(k string) bool {
		return debugHidden[k] || strings.HasPrefix(k, "_ansible_") ||
			k == stringField(f, "ansible_loop_var") || k == stringField(f, "ansible_index_var")
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(f)) {
		if !hidden(k) {
			parts = append(parts, k+": "+jsonText(f[k]))
		}
	}
	return strings.Join(parts, ", ")
}

// stringField is the string value of key, "" when it is missing or not a string.
func stringField(f fields, key string) string {
	var s string
	if json.Unmarshal(f[key], &s) != nil {
		return ""
	}
	return s
}

// valueText shows a JSON value: a string as it is, anything else as jsonText.
func valueText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return jsonText(raw)
}

// jsonText shows a JSON value on one line as Ansible's callbacks dump a
// result: sorted keys, a space after each colon and comma.
func jsonText(raw json.RawMessage) string {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil {
		return string(raw)
	}
	var b bytes.Buffer
	writeJSON(&b, v)
	return b.String()
}

func writeJSON(b *bytes.Buffer, v any) {
	switch v := v.(type) {
	case map[string]any:
		b.WriteByte('{')
		for i, k := range slices.Sorted(maps.Keys(v)) {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJSON(b, k)
			b.WriteString(": ")
			writeJSON(b, v[k])
		}
		b.WriteByte('}')
	case []any:
		b.WriteByte('[')
		for i, e := range v {
			if i > 0 {
				b.WriteString(", ")
			}
			writeJSON(b, e)
		}
		b.WriteByte(']')
	default: // strings, json.Number, bool and nil
		e := json.NewEncoder(b)
		e.SetEscapeHTML(false)
		_ = e.Encode(v)         // these always encode
		b.Truncate(b.Len() - 1) // Encode's newline
	}
}

// failure is what a failed or unreachable result has to say: a headline
// for its line and detail lines under it.
type failure struct {
	head    string
	details []string
}

// The details of a failure show the first lines of each output, each
// line cut to a width that stays readable. The headline is never cut.
const (
	detailLines = 5
	detailWidth = 200
)

// detailFields are the outputs a failure shows under its line, in order,
// labelled with their key: the failed assertion, the exception's last
// line, and the command's or module's own output.
var detailFields = []string{"assertion", "evaluated_to", "exception", "stdout", "stderr", "module_stdout", "module_stderr"}

// describeFailure says what a failed or unreachable result holds: its
// msg, its return code when not zero, its outputs. A result with none of
// them is shown as the compact JSON of its public return values.
func describeFailure(ev *event.Event) failure {
	if ev.NoLog {
		return failure{head: "(output hidden: no_log: true)"}
	}
	f := publicFields(resultFields(ev.Result))
	var d failure
	msg := ""
	if raw, ok := f["msg"]; ok {
		msg = valueText(raw)
		lines := textLines(msg)
		d.head = lines[0]
		d.addLines("  ", "  ", lines[1:])
	}
	if rc := nonZeroRC(f); rc != "" {
		if d.head == "" {
			d.head = "non-zero return code"
		}
		d.head += " (rc=" + rc + ")"
	}
	d.outputs(f, msg)
	if d.head == "" && len(d.details) == 0 {
		d.head = fallbackText(f)
	}
	return d
}

// outputs adds the detailFields of a result to the details, but for
// empty ones and those that only repeat its msg.
func (d *failure) outputs(f fields, msg string) {
	for _, key := range detailFields {
		raw, ok := f[key]
		if !ok {
			continue
		}
		text := valueText(raw)
		if key == "exception" {
			lines := textLines(text)
			text = lines[len(lines)-1]
		}
		if t := strings.TrimSpace(text); t != "" && t != strings.TrimSpace(msg) {
			d.block(key, text)
		}
	}
}

// block adds a labelled output to the details: "  label: " before its
// first line, the next lines aligned under it.
func (d *failure) block(label, text string) {
	d.addLines("  "+label+": ", strings.Repeat(" ", len(label)+4), textLines(text))
}

// addLines adds up to detailLines lines, the first after prefix, the
// others after indent, and says how many more there are.
func (d *failure) addLines(prefix, indent string, lines []string) {
	for i, l := range lines {
		if i == detailLines-1 && len(lines) > detailLines {
			d.details = append(d.details, fmt.Sprintf("%s… %d more lines", indent, len(lines)-i))
			return
		}
		d.details = append(d.details, prefix+cut(l))
		prefix = indent
	}
}

// textLines splits text into lines, without the blank end that outputs
// usually have; CRLF line ends count as line ends.
func textLines(text string) []string {
	text = strings.TrimRight(strings.ReplaceAll(text, "\r\n", "\n"), " \t\r\n")
	return strings.Split(text, "\n")
}

// cut shortens a line to detailWidth characters.
func cut(line string) string {
	if utf8.RuneCountInString(line) <= detailWidth {
		return line
	}
	return string([]rune(line)[:detailWidth-1]) + "…"
}

// nonZeroRC is the result's return code when it is set and not zero.
func nonZeroRC(f fields) string {
	var rc json.Number
	if json.Unmarshal(f["rc"], &rc) != nil || rc == "" {
		return ""
	}
	if n, err := strconv.ParseFloat(string(rc), 64); err == nil && n == 0 {
		return ""
	}
	return string(rc)
}

// publicFields are the return values of a result without Ansible's
// internal ones (_ansible_*).
func publicFields(f fields) fields {
	out := make(fields, len(f))
	for k, v := range f {
		if !strings.HasPrefix(k, "_ansible_") {
			out[k] = v
		}
	}
	return out
}

// fallbackText shows a failure without msg or output: the compact JSON
// of its return values without the module's invocation.
func fallbackText(f fields) string {
	delete(f, "invocation")
	if len(f) == 0 {
		return "(no message)"
	}
	raw, _ := json.Marshal(f) // RawMessages from a decoded object always marshal
	return jsonText(raw)
}

// warning is a warning or deprecation that a module returned.
type warning struct {
	text        string
	deprecation bool
}

// resultWarnings are the warnings and deprecations of a result, worded
// as ansible-playbook words them, but for its help on turning them off:
// with ansible-tap's output that setting does not hide them.
func resultWarnings(ev *event.Event) []warning {
	if ev.NoLog {
		return nil
	}
	f := resultFields(ev.Result)
	var out []warning
	for _, w := range listOf(f["warnings"]) {
		out = append(out, warning{text: "[WARNING]: " + valueText(w)})
	}
	for _, d := range listOf(f["deprecations"]) {
		out = append(out, warning{text: "[DEPRECATION WARNING]: " + deprecationText(d), deprecation: true})
	}
	return out
}

// listOf reads a JSON list; a single value is a list of one.
func listOf(raw json.RawMessage) []json.RawMessage {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var list []json.RawMessage
	if json.Unmarshal(raw, &list) != nil {
		return []json.RawMessage{raw}
	}
	return list
}

// deprecationText words a deprecation ({"msg", "version" or "date",
// "collection_name"}) as Ansible's Display.get_deprecation_message does.
func deprecationText(raw json.RawMessage) string {
	var f fields
	if json.Unmarshal(raw, &f) != nil {
		return valueText(raw)
	}
	msg := strings.TrimSpace(valueText(f["msg"]))
	if msg != "" && !strings.ContainsAny(msg[len(msg)-1:], "!?.") {
		msg += "."
	}
	from := stringField(f, "collection_name")
	if from == "ansible.builtin" {
		from = "ansible-core"
	}
	if from != "" {
		from = "from " + from
	}
	parts := []string{msg, "This feature will be removed", from, removalWhen(f)}
	return strings.Join(slices.DeleteFunc(parts, func(p string) bool { return p == "" }), " ")
}

// removalWhen says when a deprecated feature goes: after a date, in a
// version, or in a future release.
func removalWhen(f fields) string {
	if date := stringField(f, "date"); date != "" {
		return "in a release after " + date + "."
	}
	if v := f["version"]; len(v) > 0 && string(v) != "null" && string(v) != `""` {
		return "in version " + valueText(v) + "."
	}
	return "in a future release."
}

// asyncWords name the async events in their lines.
var asyncWords = map[event.Kind]string{event.AsyncPoll: "POLL", event.AsyncOK: "OK", event.AsyncFailed: "FAILED"}

// asyncLine is ansible-playbook's line for an async event: "ASYNC POLL on
// h: jid=J started=S finished=F", "ASYNC OK on h: jid=J" or "ASYNC FAILED
// on h: jid=J". A value that the result lacks is left out.
func asyncLine(ev *event.Event) string {
	f := resultFields(ev.Result)
	var values []string
	if jid := asyncJID(f); jid != "" {
		values = append(values, "jid="+jid)
	}
	if ev.Kind == event.AsyncPoll {
		for _, key := range []string{"started", "finished"} {
			if v := f[key]; len(v) > 0 && string(v) != "null" {
				values = append(values, key+"="+valueText(v))
			}
		}
	}
	line := "ASYNC " + asyncWords[ev.Kind] + " on " + ev.Host
	if len(values) > 0 {
		line += ": " + strings.Join(values, " ")
	}
	return line
}

// asyncJID is the async job's id: the result's ansible_job_id, else that
// of its async_result, as a failed async_status reports it.
func asyncJID(f fields) string {
	if jid := stringField(f, "ansible_job_id"); jid != "" {
		return jid
	}
	var inner fields
	_ = json.Unmarshal(f["async_result"], &inner) // none: no id
	return stringField(inner, "ansible_job_id")
}
