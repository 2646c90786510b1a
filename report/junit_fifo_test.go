package report

import (
	"encoding/xml"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/testio"
)

// replayInto replays testdata/NAME.jsonl into h alone and returns h's error.
func replayInto(t *testing.T, name string, h event.Handler) error {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name+".jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = event.Replay(f, h, io.Discard, zerolog.Nop())
	return err
}

// A JUnit report into a FIFO keeps its test cases in the system's
// temporary directory ($TMPDIR), not beside the FIFO, whose directory
// may be /dev; nothing stays behind in either.
func TestJUnitIntoAFIFO(t *testing.T) {
	dir, tmp := t.TempDir(), t.TempDir()
	t.Setenv("TMPDIR", tmp)
	fifo := filepath.Join(dir, "junit.fifo")
	read := testio.FIFOReader(t, fifo)
	if err := replayInto(t, "mixed", NewJUnit(JUnitOptions{Path: fifo})); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests int `xml:"tests,attr"`
	}
	if data := read(); xml.Unmarshal(data, &doc) != nil || doc.Tests == 0 {
		t.Errorf("the FIFO's reader got no report: %.200q", data)
	}
	for _, d := range []string{dir, tmp} {
		if entries, _ := os.ReadDir(d); len(entries) != map[string]int{dir: 1, tmp: 0}[d] {
			t.Errorf("%s holds %v", d, entries)
		}
	}

	// Where $TMPDIR cannot take them, the report fails and says where.
	missing := filepath.Join(tmp, "missing")
	t.Setenv("TMPDIR", missing)
	err := replayInto(t, "mixed", NewJUnit(JUnitOptions{Path: fifo}))
	var pe *fs.PathError
	if !errors.As(err, &pe) || filepath.Dir(pe.Path) != missing {
		t.Errorf("with $TMPDIR missing: %v, want an error in %s", err, missing)
	}
}
