package metrics

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/otlpreceiver"
	"github.com/ansible-tap/ansible-tap/internal/outfile"
	"github.com/ansible-tap/ansible-tap/internal/testio"
)

// TestLiveRun runs real playbooks with every output on at once: the
// textfile (checked by promtool and scraped through a real node_exporter),
// a real Pushgateway, and OTLP receivers over HTTP and gRPC. Every value
// must equal Ansible's own stats for the run.
func TestLiveRun(t *testing.T) {
	testio.RequireTool(t, "ansible-playbook")
	t.Setenv("OTEL_SERVICE_NAME", "ansible-test")
	t.Setenv("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=ci")
	t.Setenv("TRACEPARENT", callerParent)
	for _, tc := range []struct {
		playbook string
		exitCode int
	}{
		{"mixed.yml", 4},
		{"ok.yml", 0},
	} {
		t.Run(tc.playbook, func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "ansible.prom")
			pushAddr := freePort(t)
			startDaemon(t, "http://"+pushAddr+"/metrics", "prometheus-pushgateway",
				"--web.listen-address="+pushAddr, "--persistence.file=")
			httpRecv, err := otlpreceiver.StartHTTP()
			if err != nil {
				t.Fatal(err)
			}
			defer httpRecv.Close()
			grpcRecv, err := otlpreceiver.StartGRPC()
			if err != nil {
				t.Fatal(err)
			}
			defer grpcRecv.Close()

			labels := map[string]string{"site": `paris "north"`}
			prom := NewProm(PromOptions{File: file, PushURL: "http://" + pushAddr, Labels: labels})
			otlpHTTP, err := NewOTLP(OTLPOptions{Endpoint: httpRecv.URL, Protocol: ProtocolHTTP})
			if err != nil {
				t.Fatal(err)
			}
			otlpGRPC, err := NewOTLP(OTLPOptions{Endpoint: grpcRecv.URL, Protocol: ProtocolGRPC})
			if err != nil {
				t.Fatal(err)
			}
			s := runPlaybook(t, tc.playbook, event.NewFanout(zerolog.Nop(), prom, otlpHTTP, otlpGRPC, resultKeeper{}), nil, nil)
			if s.ExitCode != tc.exitCode {
				t.Fatalf("exit code %d, want %d", s.ExitCode, tc.exitCode)
			}
			want := map[string]string{"playbook": "testdata/" + tc.playbook, "site": labels["site"]}

			t.Run("textfile", func(t *testing.T) {
				info, err := os.Stat(file)
				if err != nil {
					t.Fatal(err)
				}
				if want := outfile.Mode(outfile.Shared); info.Mode().Perm() != want { // 0644 under umask 022
					t.Errorf("mode %v, want %v", info.Mode().Perm(), want)
				}
				entries, _ := os.ReadDir(dir)
				if len(entries) != 1 {
					t.Errorf("the textfile directory holds %d files, want only the textfile", len(entries))
				}
				cmd := exec.Command(testio.RequireTool(t, "promtool"), "check", "metrics")
				f, _ := os.Open(file)
				defer f.Close()
				cmd.Stdin = f
				out, err := cmd.CombinedOutput()
				if err != nil || strings.TrimSpace(string(out)) != "" {
					t.Errorf("promtool check metrics: %v\n%s", err, out)
				}
				f.Seek(0, 0)
				checkRunValues(t, parseExposition(t, f), s, want)
			})
			t.Run("node_exporter", func(t *testing.T) {
				addr := freePort(t)
				startDaemon(t, "http://"+addr+"/metrics", "prometheus-node-exporter",
					"--web.listen-address="+addr, "--collector.disable-defaults",
					"--collector.textfile", "--collector.textfile.directory="+dir)
				fams := parseExposition(t, strings.NewReader(httpGet(t, "http://"+addr+"/metrics")))
				if got := gaugeValue(t, fams, "node_textfile_scrape_error", nil); got != 0 {
					t.Errorf("node_textfile_scrape_error = %v", got)
				}
				checkRunValues(t, fams, s, want)
			})
			t.Run("pushgateway", func(t *testing.T) {
				fams := parseExposition(t, strings.NewReader(httpGet(t, "http://"+pushAddr+"/metrics")))
				pushed := map[string]string{"job": PushJob}
				for k, v := range want {
					pushed[k] = v
				}
				checkRunValues(t, fams, s, pushed)
			})
			t.Run("otlp http", func(t *testing.T) {
				checkSpanTree(t, httpRecv, s, "ansible-test")
				checkOTLPMetrics(t, httpRecv, s)
			})
			t.Run("otlp grpc", func(t *testing.T) {
				checkSpanTree(t, grpcRecv, s, "ansible-test")
				checkOTLPMetrics(t, grpcRecv, s)
			})
		})
	}
}

// resultKeeper makes a run's Summary keep every host result, which
// checkSpanTree compares the host spans with.
type resultKeeper struct{}

func (resultKeeper) Event(*event.Event, *event.Summary) error { return nil }
func (resultKeeper) Finish(*event.Summary) error              { return nil }
func (resultKeeper) KeepsResults() bool                       { return true }
