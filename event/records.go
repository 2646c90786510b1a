package event

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"
	"unicode/utf8"
)

// The records that ansible-tap adds to an events file around Ansible's
// events. None of them is an Ansible event: the decoder reads them and
// passes none on to the handlers.
const (
	// RunStartEvent is the first line of an events file:
	// {"_event":"ansible_tap_run_start","_timestamp":…,"console":B,"summary":S};
	// console says whether Ansible's console output is recorded in the
	// file, summary whether ansible-tap printed its summary after it.
	RunStartEvent = "ansible_tap_run_start"
	// ConsoleEvent is a piece of what ansible-playbook printed:
	// {"_event":"ansible_tap_console","_timestamp":…,"stream":S,"data":T},
	// with data_base64 in place of data when the bytes are not UTF-8.
	// stream is "stdout", "stderr", or "terminal" for a pseudo-terminal
	// that carried both.
	ConsoleEvent = "ansible_tap_console"
	// DiagnosticEvent is the callback's report of something it could not
	// do fully: {"_event":"ansible_tap_diagnostic","hook":H,"error":E}.
	// A hook's own event follows or precedes it, with what it could say.
	DiagnosticEvent = "ansible_tap_diagnostic"
	// RunEndEvent is the last line of an events file:
	// {"_event":"ansible_tap_run_end","_timestamp":…,"exit_code":N,
	// "interrupted":B}. A replay takes the run's exit code, whether it was
	// interrupted, and when it ended from it.
	RunEndEvent = "ansible_tap_run_end"
)

// The streams of a console record.
const (
	StreamStdout   = "stdout"
	StreamStderr   = "stderr"
	StreamTerminal = "terminal"
)

// RunStartRecord is the run-start record (RunStartEvent), with its newline.
func RunStartRecord(console, summary bool, at time.Time) []byte {
	return fmt.Appendf(nil, `{"_event":%q,"_timestamp":%q,"console":%t,"summary":%t}`+"\n",
		RunStartEvent, FormatTimestamp(at), console, summary)
}

// ConsoleRecord is the console record (ConsoleEvent) of data printed on
// stream, with its newline.
func ConsoleRecord(stream string, data []byte, at time.Time) []byte {
	rec := consoleRecord{Event: ConsoleEvent, Timestamp: FormatTimestamp(at), Stream: stream}
	if utf8.Valid(data) {
		rec.Data = string(data)
	} else {
		rec.DataBase64 = base64.StdEncoding.EncodeToString(data)
	}
	line, _ := json.Marshal(rec) // a struct of strings always encodes
	return append(line, '\n')
}

// consoleRecord is a ConsoleEvent line.
type consoleRecord struct {
	Event      string `json:"_event"`
	Timestamp  string `json:"_timestamp"`
	Stream     string `json:"stream"`
	Data       string `json:"data,omitempty"`
	DataBase64 string `json:"data_base64,omitempty"`
}

// RunEndRecord is the run-end record (RunEndEvent), with its newline:
// ansible-playbook's exit code and whether the run was interrupted, which
// no Ansible event carries.
func RunEndRecord(code int, interrupted bool, at time.Time) []byte {
	return fmt.Appendf(nil, `{"_event":%q,"_timestamp":%q,"exit_code":%d,"interrupted":%t}`+"\n",
		RunEndEvent, FormatTimestamp(at), code, interrupted)
}

// FormatTimestamp writes a time as the callback writes its timestamps.
func FormatTimestamp(t time.Time) string { return t.UTC().Format(timestampLayout) }

// TruncationNote is the note that ends a value or line cut short:
// "…[truncated N bytes]", N being the bytes left out.
func TruncationNote(left int64) string { return string(appendTruncated(nil, left)) }
