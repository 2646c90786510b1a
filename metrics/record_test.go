package metrics

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRecordStreams re-records the event streams of testdata with -update:
// mixed.jsonl and ok.jsonl from real runs, interrupted.jsonl as mixed.jsonl
// cut before its play on the dark host.
func TestRecordStreams(t *testing.T) {
	if !*update {
		t.Skip("only with -update")
	}
	for _, name := range []string{"mixed", "ok"} {
		var events bytes.Buffer
		runPlaybook(t, name+".yml", nil, nil, &events)
		data := anonymise(t, events.Bytes())
		if err := os.WriteFile(filepath.Join("testdata", name+".jsonl"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		if name == "mixed" {
			cut := strings.Index(string(data), `"dark host"`)
			if cut < 0 {
				t.Fatal("no dark play in the stream")
			}
			cut = strings.LastIndexByte(string(data[:cut]), '\n') + 1
			if err := os.WriteFile(filepath.Join("testdata", "interrupted.jsonl"), data[:cut], 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
