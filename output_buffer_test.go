package main

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var hostOfOK = regexp.MustCompile(`"host":"([^"]+)".*"_event":"v2_runner_on_ok"`)

// A buffered renderer writes each event as soon as the stream has nothing
// more to read: a reader of the jsonl output sees every event of a run
// that is still going on, in every format that renders events.
func TestBufferedOutputKeepsUpWithTheStream(t *testing.T) {
	recording, err := os.ReadFile(filepath.Join("testdata", "streams", "basic.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(recording, []byte("\n"))
	for _, format := range []string{"jsonl", "compact", "table"} {
		t.Run(format, func(t *testing.T) {
			in, feed := io.Pipe()
			out, printed := io.Pipe()
			done := make(chan int)
			go func() {
				done <- run([]string{"ansible-tap", "replay", "-", "--no-color", "--format=" + format}, in, printed, io.Discard)
				printed.Close()
			}()
			got := make(chan string, 10000)
			go func() {
				r := bufio.NewReader(out)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						close(got)
						return
					}
					got <- line
				}
			}()
			// Feed up to the first host result (for the table, which prints
			// a play when it ends, up to the stats), then wait for it.
			// The last line fed comes with a record that is no event, in
			// the same write, as the callback's diagnostics can.
			var host string
			for i, l := range lines {
				if m := hostOfOK.FindSubmatch(l); m != nil && host == "" {
					host = string(m[1])
				}
				if host != "" && (format != "table" || bytes.Contains(l, []byte(`"v2_playbook_on_stats"`))) {
					feed.Write(append(l, `{"_event":"ansible_tap_diagnostic","hook":"v2_runner_on_ok","error":"a test"}`+"\n"...))
					lines = lines[i+1:]
					break
				}
				feed.Write(l)
			}
			want := host
			if format == "jsonl" {
				want = `"event":"runner_on_ok"`
			}
			deadline := time.After(20 * time.Second)
		wait:
			for {
				select {
				case line := <-got:
					if strings.Contains(line, want) {
						break wait
					}
				case <-deadline:
					t.Fatalf("the result on %s was not printed while the stream waited for more", host)
				}
			}
			go func() {
				for range got {
				}
			}()
			for _, l := range lines {
				feed.Write(l)
			}
			feed.Close()
			<-done
		})
	}
}
