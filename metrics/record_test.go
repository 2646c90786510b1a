package metrics

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// recordOnce makes one -update run record the streams before any golden
// file is written from them, whatever order the tests run in.
var recordOnce sync.Once

// recordStreams re-records the event streams of testdata, once per test
// binary and only with -update: mixed.jsonl and ok.jsonl from real runs,
// interrupted.jsonl as mixed.jsonl cut before its play on the dark host.
func recordStreams(t *testing.T) {
	t.Helper()
	if !*update {
		return
	}
	recordOnce.Do(func() { record(t) })
}

func record(t *testing.T) {
	t.Helper()
	for _, name := range []string{"mixed", "ok"} {
		var events bytes.Buffer
		runPlaybook(t, name+".yml", nil, nil, &events)
		data := anonymise(t, events.Bytes())
		if err := os.WriteFile(filepath.Join("testdata", name+".jsonl"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		writeCmd(t, name, "cd metrics && go test -run TestPromGolden -update\n"+
			"# runs: ansible-playbook -i testdata/inventory.yml testdata/"+name+".yml (with ansible-tap's callback), testdata/ made relative\n")
		if name == "mixed" {
			writeCmd(t, "interrupted", "cd metrics && go test -run TestPromGolden -update\n"+
				"# mixed.jsonl cut before the play \"dark host\": the stream of a run that died there\n")
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

// writeCmd writes beside testdata/NAME.jsonl the command that recorded it.
func writeCmd(t *testing.T, name, cmd string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join("testdata", name+".cmd"), []byte(cmd), 0o644); err != nil {
		t.Fatal(err)
	}
}
