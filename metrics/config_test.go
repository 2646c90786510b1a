package metrics

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func TestParseLabels(t *testing.T) {
	for _, tc := range []struct {
		items   []string
		want    map[string]string
		wantErr string
	}{
		{[]string{"env=prod", "team=ops"}, map[string]string{"env": "prod", "team": "ops"}, ""},
		{[]string{"expr=a=b"}, map[string]string{"expr": "a=b"}, ""},
		{[]string{"teams=a", "b", "c"}, map[string]string{"teams": "a,b,c"}, ""},
		{[]string{"empty="}, map[string]string{"empty": ""}, ""},
		{[]string{"novalue"}, nil, "want name=value"},
		{[]string{"1bad=x"}, nil, "invalid label name"},
		{[]string{"bad-name=x"}, nil, "invalid label name"},
		{[]string{"playbook=x"}, nil, "reserved"},
		{[]string{"__name__=x"}, nil, "reserved"},
		{[]string{"job=x"}, nil, "reserved"},
		{[]string{"a=1", "a=2"}, nil, "twice"},
	} {
		got, err := ParseLabels(tc.items)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseLabels(%q) error %v, want %q", tc.items, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseLabels(%q) = %v, %v; want %v", tc.items, got, err, tc.want)
		}
	}
}

func TestResolveTarget(t *testing.T) {
	for _, tc := range []struct {
		name               string
		sig                signal
		endpoint, protocol string
		env                map[string]string
		want               otlpTarget
		wantErr            bool
	}{
		{"off", signalTraces, "", "", nil, otlpTarget{protocol: ProtocolHTTP}, false},
		{"flag http", signalTraces, "http://c:4318/", "", nil, otlpTarget{true, ProtocolHTTP, "http://c:4318/v1/traces"}, false},
		{"flag http metrics", signalMetrics, "https://c:4318", "", nil, otlpTarget{true, ProtocolHTTP, "https://c:4318/v1/metrics"}, false},
		{"flag grpc", signalTraces, "http://c:4317", ProtocolGRPC, nil, otlpTarget{true, ProtocolGRPC, "http://c:4317"}, false},
		{"env endpoint", signalMetrics, "", "", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}, otlpTarget{true, ProtocolHTTP, ""}, false},
		{"env traces only", signalTraces, "", "", map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c/v1/traces"}, otlpTarget{true, ProtocolHTTP, ""}, false},
		{"env traces only, metrics off", signalMetrics, "", "", map[string]string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://c/v1/traces"}, otlpTarget{protocol: ProtocolHTTP}, false},
		{"env protocol", signalTraces, "", "", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, otlpTarget{true, ProtocolGRPC, ""}, false},
		{"per-signal protocol wins", signalTraces, "", "", map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "http/protobuf"}, otlpTarget{true, ProtocolHTTP, ""}, false},
		{"flag protocol wins", signalTraces, "http://c", ProtocolHTTP, map[string]string{"OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}, otlpTarget{true, ProtocolHTTP, "http://c/v1/traces"}, false},
		{"sdk disabled", signalTraces, "http://c", "", map[string]string{"OTEL_SDK_DISABLED": "true"}, otlpTarget{}, false},
		{"exporter none", signalMetrics, "http://c", "", map[string]string{"OTEL_METRICS_EXPORTER": "none"}, otlpTarget{}, false},
		{"http/json", signalTraces, "http://c", "http/json", nil, otlpTarget{}, true},
		{"no scheme", signalTraces, "c:4318", "", nil, otlpTarget{}, true},
		// The exporters would drop these credentials, and mangle the path.
		{"a query", signalTraces, "http://c:4318/?api-key=k", "", nil, otlpTarget{}, true},
		{"user and password", signalLogs, "https://u:p@c:4318", "", nil, otlpTarget{}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := resolveTarget(tc.sig, tc.endpoint, tc.protocol, func(k string) string { return tc.env[k] })
			if (err != nil) != tc.wantErr {
				t.Fatalf("error %v, want error %v", err, tc.wantErr)
			}
			if err == nil && got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestPushCredentials checks that credentials in the Pushgateway URL go as
// basic auth and never appear in the error.
func TestPushCredentials(t *testing.T) {
	var user, pass, path string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, _ = r.BasicAuth()
		path = r.URL.Path
		http.Error(w, "nope", http.StatusInternalServerError)
	}))
	defer srv.Close()
	rawURL := strings.Replace(srv.URL, "http://", "http://robot:s3cr3t-pw@", 1)
	reg := prometheus.NewRegistry()
	g := prometheus.NewGauge(prometheus.GaugeOpts{Name: "x", Help: "x"})
	reg.MustRegister(g)
	err := pushRun(rawURL, "play/books/site.yml", reg, 5*time.Second, nil)
	if err == nil {
		t.Fatal("a failed push returned no error")
	}
	if strings.Contains(err.Error(), "s3cr3t-pw") {
		t.Errorf("the error shows the password: %v", err)
	}
	if user != "robot" || pass != "s3cr3t-pw" {
		t.Errorf("basic auth %q:%q, want robot and the password", user, pass)
	}
	if want := "/metrics/job/ansible/playbook@base64/"; !strings.HasPrefix(path, want) {
		t.Errorf("pushed to %s, want the group under %s", path, want)
	}
}
