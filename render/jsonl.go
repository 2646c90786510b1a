package render

import (
	"io"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
)

// JSONL writes the public jsonl record of each event (event.JSONLRecord)
// as it happens, one a line, and a run_end record when the run has ended.
type JSONL struct {
	w   io.Writer
	enc *event.JSONLEncoder
	now func() time.Time
}

// NewJSONL returns a JSON-lines renderer writing to w.
func NewJSONL(w io.Writer) *JSONL {
	return &JSONL{w: w, enc: event.NewJSONLEncoder(), now: time.Now}
}

// Event writes the record of ev.
func (j *JSONL) Event(ev *event.Event, s *event.Summary) error {
	return j.write(event.NewJSONLRecord(ev, s))
}

// Finish writes the run_end record.
func (j *JSONL) Finish(s *event.Summary) error {
	return j.write(event.NewJSONLRunEnd(s, j.now()))
}

func (j *JSONL) write(r *event.JSONLRecord) error {
	line, err := j.enc.Line(r)
	if err != nil {
		return err
	}
	_, err = j.w.Write(line)
	return err
}
