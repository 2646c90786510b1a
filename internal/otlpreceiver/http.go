package otlpreceiver

import (
	"compress/gzip"
	"io"
	"net"
	"net/http"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	collmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	colltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/protobuf/proto"
)

// StartHTTP starts an OTLP/HTTP receiver (binary protobuf, optionally
// gzipped) serving /v1/traces, /v1/metrics and /v1/logs on 127.0.0.1.
func StartHTTP() (*Receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &Receiver{URL: "http://" + ln.Addr().String()}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/traces", serve(r, r.addSpans, &colltracepb.ExportTraceServiceResponse{}))
	mux.HandleFunc("POST /v1/metrics", serve(r, r.addMetrics, &collmetricpb.ExportMetricsServiceResponse{}))
	mux.HandleFunc("POST /v1/logs", serve(r, r.addLogs, &collogspb.ExportLogsServiceResponse{}))
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	r.stop = func() { srv.Close() }
	return r, nil
}

// serve handles the requests of one signal: it decodes each into a new
// message of add's type, gives it to add and replies with resp.
func serve[M any, P interface {
	*M
	proto.Message
}](r *Receiver, add func(P), resp proto.Message) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) {
		msg := P(new(M))
		if !r.decode(w, req, msg) {
			return
		}
		add(msg)
		reply(w, resp)
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (r *Receiver) decode(w http.ResponseWriter, req *http.Request, msg proto.Message) bool {
	wire := &countingReader{r: req.Body}
	defer func() { r.bytes.Add(wire.n) }()
	var body io.Reader = wire
	if req.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(wire)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return false
		}
		body = zr
	}
	data, err := io.ReadAll(body)
	if err == nil {
		err = proto.Unmarshal(data, msg)
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return false
	}
	return true
}

func reply(w http.ResponseWriter, msg proto.Message) {
	data, _ := proto.Marshal(msg)
	w.Header().Set("Content-Type", "application/x-protobuf")
	w.Write(data)
}
