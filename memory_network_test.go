package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/internal/fleetstream"
	"github.com/ansible-tap/ansible-tap/internal/otlpreceiver"
	"github.com/ansible-tap/ansible-tap/internal/testio"
)

// largeOutput is what the first two tasks of long_output.yml print in
// TestPeakMemoryOnManyLargeEvents; their results carry it twice, some
// 2 MB, just under the line limit.
const largeOutput = 1_000_000

// largeBlocks is how many times the replays of
// TestPeakMemoryOnManyLargeEvents repeat the recording's tasks: two events
// of 2 MB each time, and four of 250 to 500 KB.
const largeBlocks = 40

// largePause is the pause after each event of more than 1 MiB in the
// replays: 50 such events a second, as a run of many hosts printing that
// much would bring them, and time for the webhook's workers to take each
// one as it comes (a replay at full speed drops most of them before).
const largePause = 20 * time.Millisecond

// slowAnswer is how long the slow receivers take to answer a request.
const slowAnswer = 500 * time.Millisecond

// TestPeakMemoryOnManyLargeEvents records a real run whose results are
// some 2 MB long, repeats its tasks into a stream of 80 such events and
// replays it with the network outputs to receivers that take half a
// second to answer. ansible-tap's peak resident memory, as the kernel
// counts it, stays under maxPeakRSS: what each destination holds, built or
// in flight, is bounded in bytes. What did not fit is dropped, and the
// end-of-run lines count it: every payload or record is delivered or
// counted as dropped.
func TestPeakMemoryOnManyLargeEvents(t *testing.T) {
	if testing.Short() {
		t.Skip("replays 80 events of 2 MB")
	}
	testio.RequireTool(t, "ansible-playbook")
	tap := buildTap(t)
	dir := t.TempDir()
	recording := filepath.Join(dir, "long_output.jsonl")
	var stdout, stderr testio.Buffer
	code := run([]string{"ansible-tap", "-i", "testdata/inventory/local.ini", "testdata/playbooks/long_output.yml",
		"-e", fmt.Sprintf("size=%d", largeOutput), "--events-file", recording, "--no-color"}, strings.NewReader(""), &stdout, &stderr)
	if code != 0 {
		t.Fatalf("the recording: exit %d; stderr:\n%.4000s", code, stderr.String())
	}
	stream := filepath.Join(dir, "many_large.jsonl")
	if n := writeLargeStream(t, recording, stream); n != 2*largeBlocks {
		t.Fatalf("%d events of more than 1 MiB in the stream, want %d", n, 2*largeBlocks)
	}

	webhook := &slowWebhook{}
	webhookSrv := httptest.NewServer(webhook)
	defer webhookSrv.Close()
	collector, err := otlpreceiver.StartHTTP()
	if err != nil {
		t.Fatal(err)
	}
	defer collector.Close()
	collector.Discard()
	collectorURL, _ := url.Parse(collector.URL)
	proxy := httputil.NewSingleHostReverseProxy(collectorURL)
	slowCollector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(slowAnswer)
		proxy.ServeHTTP(w, r)
	}))
	defer slowCollector.Close()

	for _, tc := range []struct {
		name          string
		args          []string
		webhook, otlp bool
	}{
		{"a webhook", []string{"--webhook", webhookSrv.URL}, true, false},
		{"a webhook that takes batches", []string{"--webhook", webhookSrv.URL, "--webhook-batch"}, true, false},
		{"OTLP", []string{"--otlp-endpoint", slowCollector.URL}, false, true},
		{"a webhook and OTLP", []string{"--webhook", webhookSrv.URL, "--otlp-endpoint", slowCollector.URL}, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			webhook.payloads.Store(0)
			before := collector.LogRecords()
			f, err := os.Open(stream)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			stdin := &pacedLines{r: bufio.NewReader(f), pause: largePause}
			r := runTapMeasured(t, tap, stdin, append([]string{"replay", "-", "--no-color"}, tc.args...)...)
			if r.code != 0 {
				t.Fatalf("exit %d, want the recorded run's 0; stderr:\n%.4000s", r.code, r.stderr)
			}
			checkPeak(t, "the replay", r.peakRSS)
			if tc.webhook {
				checkWebhookDrops(t, r.stderr, webhook.payloads.Load())
			}
			if tc.otlp {
				checkLogRecordDrops(t, r.stderr, collector.LogRecords()-before)
			}
		})
	}
}

// writeLargeStream writes to path the recording's tasks repeated
// largeBlocks times, and returns how many events of more than 1 MiB it
// holds.
func writeLargeStream(t *testing.T, recording, path string) int {
	t.Helper()
	data, err := os.ReadFile(recording)
	if err != nil {
		t.Fatal(err)
	}
	s, err := fleetstream.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	if err := s.Write(w, largeBlocks*s.BlockEvents); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	large := 0
	r := bufio.NewReader(f)
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 1<<20 && !bytes.HasPrefix(line, []byte(`{"_event":"ansible_tap_`)) {
			large++
		}
		if err == io.EOF {
			return large
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// slowWebhook is a webhook receiver that reads each request, counts the
// payloads it carries (one, or a batch's), and answers 204 after slowAnswer.
type slowWebhook struct{ payloads atomic.Int64 }

func (s *slowWebhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	time.Sleep(slowAnswer)
	var batch []json.RawMessage
	switch {
	case bytes.HasPrefix(body, []byte("[")) && json.Unmarshal(body, &batch) == nil:
		s.payloads.Add(int64(len(batch)))
	case json.Valid(body):
		s.payloads.Add(1)
	default:
		http.Error(w, "not JSON", http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// webhookLine is the webhook's end-of-run line.
var webhookLine = regexp.MustCompile(`webhook \S+: (\d+) of (\d+) notifications delivered(?:; (\d+) dropped \(queue full\))?`)

// checkWebhookDrops checks the webhook's end-of-run line: payloads were
// dropped, and those it says were delivered are those received.
func checkWebhookDrops(t *testing.T, stderr string, received int64) {
	t.Helper()
	m := webhookLine.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no end-of-run line of the webhook in:\n%.4000s", stderr)
	}
	delivered, _ := strconv.Atoi(m[1])
	sent, _ := strconv.Atoi(m[2])
	dropped, _ := strconv.Atoi(m[3])
	t.Logf("webhook: %d of %d delivered, %d dropped", delivered, sent, dropped)
	if dropped == 0 || delivered+dropped != sent || int64(delivered) != received {
		t.Errorf("webhook: %q; want payloads dropped, the others delivered, and %d delivered as received", m[0], received)
	}
}

// logsLine is the OTLP logs' end-of-run line, at debug level when every
// record was delivered and as a warning otherwise.
var logsLine = regexp.MustCompile(`OTLP logs[^\n]* dropped=(\d+) exported=(\d+) failed=(\d+) records=(\d+)`)

// checkLogRecordDrops checks the OTLP logs' end-of-run line: records
// were dropped, and those it says were exported are those received.
func checkLogRecordDrops(t *testing.T, stderr string, received int64) {
	t.Helper()
	m := logsLine.FindStringSubmatch(stderr)
	if m == nil {
		t.Fatalf("no end-of-run line of the OTLP logs in:\n%.4000s", stderr)
	}
	var n [4]int64
	for i := range n {
		n[i], _ = strconv.ParseInt(m[i+1], 10, 64)
	}
	dropped, exported, failed, records := n[0], n[1], n[2], n[3]
	t.Logf("OTLP logs: %d records, %d exported, %d dropped, %d failed", records, exported, dropped, failed)
	if dropped == 0 || failed != 0 || exported+dropped != records || exported != received {
		t.Errorf("OTLP logs: %q; want records dropped, the others exported, and %d exported as received", m[0], received)
	}
}

// pacedLines reads r a line at a time, and pauses after each line longer
// than 1 MiB.
type pacedLines struct {
	r     *bufio.Reader
	pause time.Duration
	line  []byte // what is left of the last line read
}

func (p *pacedLines) Read(b []byte) (int, error) {
	if len(p.line) == 0 {
		line, err := p.r.ReadBytes('\n')
		if len(line) == 0 {
			return 0, err
		}
		if len(line) > 1<<20 {
			time.Sleep(p.pause)
		}
		p.line = line
	}
	n := copy(b, p.line)
	p.line = p.line[n:]
	return n, nil
}
