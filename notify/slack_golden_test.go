package notify

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/golden"
)

// TestSlackGolden replays every recorded stream of ../testdata/streams into
// the Slack notifier and compares what Slack receives, message by message,
// with testdata/golden/NAME.slack.json. The alerts of a replay arrive at
// once, so they form one message; every run posts its summary.
func TestSlackGolden(t *testing.T) {
	for _, stream := range golden.Streams(t, 1) {
		name := strings.TrimSuffix(filepath.Base(stream), ".jsonl")
		t.Run(name, func(t *testing.T) {
			var mu sync.Mutex
			var got bytes.Buffer
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				var pretty bytes.Buffer
				if err := json.Indent(&pretty, body, "", "  "); err != nil {
					t.Errorf("Slack would refuse a body that is not JSON: %s", body)
				}
				mu.Lock()
				got.Write(pretty.Bytes())
				got.WriteByte('\n')
				mu.Unlock()
				io.WriteString(w, "ok")
			}))
			defer srv.Close()
			h := NewSlack(SlackOptions{URL: srv.URL, OnSuccess: true, MaxDelay: time.Hour, Interval: time.Millisecond,
				Group: &Group{Timeout: 10 * time.Second, Log: zerolog.Nop()}, Log: zerolog.Nop()})
			f, err := os.Open(stream)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := event.Replay(f, h, io.Discard, zerolog.Nop()); err != nil {
				t.Fatal(err)
			}
			mu.Lock()
			defer mu.Unlock()
			golden.Check(t, filepath.Join("testdata", "golden", name+".slack.json"), got.Bytes())
		})
	}
}
