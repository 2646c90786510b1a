package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/golden"
)

// TestHTMLGolden replays the recorded streams of the repository (real runs
// of the fidelity matrix, and recordings of the stock ansible.posix
// callbacks) and compares what each report shows, its embedded timeline
// data included, with testdata/html/NAME.json; -update rewrites them.
func TestHTMLGolden(t *testing.T) {
	paths := golden.Streams(t, 1)
	stock, err := filepath.Glob(filepath.Join("..", "testdata", "stock", "*.json*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range stock {
		if !strings.HasSuffix(path, ".cmd") {
			paths = append(paths, path)
		}
	}
	for _, path := range paths {
		// diff.jsonl: diff; stock/basic.jsonl: stock-jsonl.basic
		name, ext, _ := strings.Cut(filepath.Base(path), ".")
		if filepath.Base(filepath.Dir(path)) == "stock" {
			name = "stock-" + ext + "." + name
		}
		t.Run(name, func(t *testing.T) {
			h := NewHTML(HTMLOptions{Path: filepath.Join(t.TempDir(), "report.html")})
			s := replayHTML(t, path, h)
			p, err := h.page(s)
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.Marshal(p)
			if err != nil {
				t.Fatal(err)
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, got, "", "  "); err != nil {
				t.Fatal(err)
			}
			pretty.WriteByte('\n')
			golden.Check(t, filepath.Join("testdata", "html", name+".json"), pretty.Bytes())
		})
	}
}

// replayHTML replays the recording at path into h, the console output
// included, and returns the finished summary.
func replayHTML(t testing.TB, path string, h *HTML) *event.Summary {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d := event.NewDecoder(f)
	d.Log = zerolog.Nop()
	d.Console = h.Console
	s, err := event.ReplayDecoder(d, event.NewFanout(zerolog.Nop(), h))
	if err != nil {
		t.Fatal(err)
	}
	return s
}
