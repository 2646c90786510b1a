package event

import (
	"bytes"
	"encoding/json"
	"io"
	"testing"

	"github.com/rs/zerolog"
)

// A meta task of an ansible.posix.json document, however its action is
// spelled, is a meta task: its skipped result is not counted, as Ansible
// does not count it; any other skipped task is.
func TestDocumentMetaTasks(t *testing.T) {
	for _, tc := range []struct {
		action string
		meta   bool
	}{
		{"meta", true},
		{"ansible.builtin.meta", true},
		{"ansible.legacy.meta", true},
		{"ansible.builtin.debug", false},
	} {
		t.Run(tc.action, func(t *testing.T) {
			doc, err := json.MarshalIndent(map[string]any{
				"plays": []any{map[string]any{
					"play": map[string]any{"id": "p", "name": "p", "duration": map[string]string{"start": "2026-01-01T00:00:00.000000Z"}},
					"tasks": []any{map[string]any{
						"task": map[string]any{"id": "t", "name": "end the play",
							"duration": map[string]string{"start": "2026-01-01T00:00:01.000000Z", "end": "2026-01-01T00:00:02.000000Z"}},
						"hosts": map[string]any{"web1": map[string]any{"action": tc.action, "changed": false, "skipped": true}},
					}},
				}},
				"stats":        map[string]HostCounts{"web1": {}},
				"custom_stats": map[string]any{}, "global_custom_stats": map[string]any{},
			}, "", "    ") // as the callback prints it
			if err != nil {
				t.Fatal(err)
			}
			rec := &recorder{}
			s, err := Replay(bytes.NewReader(doc), rec, io.Discard, zerolog.Nop())
			if err != nil {
				t.Fatal(err)
			}
			skipped := 0
			if !tc.meta {
				skipped = 1
			}
			if got := s.Counts["web1"].Skipped; got != skipped {
				t.Errorf("derived skipped=%d, want %d", got, skipped)
			}
			var meta []bool
			for _, ev := range rec.events {
				if ev.Kind == RunnerSkipped {
					meta = append(meta, ev.Meta)
				}
			}
			if len(meta) != 1 || meta[0] != tc.meta {
				t.Errorf("skipped results marked meta: %v, want [%v]", meta, tc.meta)
			}
		})
	}
}
