package redact

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/rs/zerolog"
)

// resultKeeper keeps the return values of a replay's results.
type resultKeeper struct{ raws [][]byte }

func (k *resultKeeper) Event(ev *event.Event, _ *event.Summary) error {
	if ev.Result != nil && len(ev.Result.Raw) > 0 {
		k.raws = append(k.raws, ev.Result.Raw)
	}
	return nil
}

func (k *resultKeeper) Finish(*event.Summary) error { return nil }

// BenchmarkRedactorJSON redacts the return values of every result of the
// recorded streams (testdata/streams) in one pass over their bytes
// ("scan"), against decoding and encoding them again with encoding/json
// ("decode", what the webhook did before), and against json.Valid alone,
// the least any reading of them costs.
func BenchmarkRedactorJSON(b *testing.B) {
	paths, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "streams", "*.jsonl"))
	k := &resultKeeper{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		event.Replay(bytes.NewReader(data), k, nil, zerolog.Nop())
	}
	size := 0
	for _, raw := range k.raws {
		size += len(raw)
	}
	if len(k.raws) == 0 {
		b.Fatal("no result in the recorded streams")
	}
	r := New("vault_pin")
	for _, tc := range []struct {
		name string
		f    func(raw []byte)
	}{
		{"scan", func(raw []byte) { r.JSON(raw) }},
		{"decode", func(raw []byte) {
			var v any
			json.Unmarshal(raw, &v)
			json.Marshal(r.value(v))
		}},
		{"valid", func(raw []byte) { json.Valid(raw) }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for b.Loop() {
				for _, raw := range k.raws {
					tc.f(raw)
				}
			}
		})
	}
}
