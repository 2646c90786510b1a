package metrics

import (
	"fmt"
	"strings"

	"github.com/ansible-tap/ansible-tap/internal/redact"
)

// The OTLP protocols ansible-tap can export with.
const (
	ProtocolHTTP = "http/protobuf"
	ProtocolGRPC = "grpc"
)

// signal is one kind of OTLP data: traces, metrics or logs.
type signal string

const (
	signalTraces  signal = "TRACES"
	signalMetrics signal = "METRICS"
	signalLogs    signal = "LOGS"
)

// httpPath is the path an OTLP/HTTP exporter posts a signal to under a base endpoint.
func (sig signal) httpPath() string { return "v1/" + strings.ToLower(string(sig)) }

// otlpTarget says where and how one signal is exported.
type otlpTarget struct {
	enabled  bool
	protocol string
	// endpointURL is the full URL to give the exporter, or "" to let the
	// exporter read the OTEL_EXPORTER_OTLP_* variables itself.
	endpointURL string
}

// resolveTarget decides from the --otlp-endpoint and --otlp-protocol values
// and the standard environment whether and how sig is exported: it is when
// the endpoint is given, or OTEL_EXPORTER_OTLP_ENDPOINT or its per-signal
// variant is set, unless OTEL_SDK_DISABLED is true or OTEL_<SIG>_EXPORTER is none.
func resolveTarget(sig signal, endpoint, protocol string, getenv func(string) string) (otlpTarget, error) {
	if strings.EqualFold(getenv("OTEL_SDK_DISABLED"), "true") {
		return otlpTarget{}, nil
	}
	if exporter := strings.ToLower(getenv("OTEL_" + string(sig) + "_EXPORTER")); exporter == "none" {
		return otlpTarget{}, nil
	}
	t := otlpTarget{
		enabled: endpoint != "" || getenv("OTEL_EXPORTER_OTLP_ENDPOINT") != "" ||
			getenv("OTEL_EXPORTER_OTLP_"+string(sig)+"_ENDPOINT") != "",
		protocol: firstNonEmpty(protocol, getenv("OTEL_EXPORTER_OTLP_"+string(sig)+"_PROTOCOL"),
			getenv("OTEL_EXPORTER_OTLP_PROTOCOL"), ProtocolHTTP),
	}
	if !t.enabled {
		return t, nil
	}
	if t.protocol != ProtocolHTTP && t.protocol != ProtocolGRPC {
		return otlpTarget{}, fmt.Errorf("OTLP protocol %q: want %s or %s", t.protocol, ProtocolHTTP, ProtocolGRPC)
	}
	if endpoint != "" {
		if err := ValidateOTLPEndpoint(endpoint); err != nil {
			return otlpTarget{}, err
		}
		t.endpointURL = endpoint
		if t.protocol == ProtocolHTTP {
			// As OTEL_EXPORTER_OTLP_ENDPOINT: a base URL the signal's path is appended to.
			t.endpointURL = strings.TrimSuffix(endpoint, "/") + "/" + sig.httpPath()
		}
	}
	return t, nil
}

// ValidateOTLPEndpoint checks an --otlp-endpoint value. The OTLP
// exporters send neither a query string nor user:password, so such an
// endpoint is refused rather than its credentials silently dropped.
func ValidateOTLPEndpoint(endpoint string) error {
	u, err := redact.HTTPURL(endpoint)
	if err != nil {
		return err
	}
	if u.User != nil || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return fmt.Errorf("an OTLP endpoint takes no user:password, query or fragment (the value is not shown: it may hold credentials); " +
			"give credentials as headers in OTEL_EXPORTER_OTLP_HEADERS")
	}
	return nil
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}
