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
	mux.HandleFunc("POST /v1/traces", func(w http.ResponseWriter, req *http.Request) {
		msg := &colltracepb.ExportTraceServiceRequest{}
		if !r.decode(w, req, msg) {
			return
		}
		r.addSpans(msg)
		reply(w, &colltracepb.ExportTraceServiceResponse{})
	})
	mux.HandleFunc("POST /v1/metrics", func(w http.ResponseWriter, req *http.Request) {
		msg := &collmetricpb.ExportMetricsServiceRequest{}
		if !r.decode(w, req, msg) {
			return
		}
		r.addMetrics(msg)
		reply(w, &collmetricpb.ExportMetricsServiceResponse{})
	})
	mux.HandleFunc("POST /v1/logs", func(w http.ResponseWriter, req *http.Request) {
		msg := &collogspb.ExportLogsServiceRequest{}
		if !r.decode(w, req, msg) {
			return
		}
		r.addLogs(msg)
		reply(w, &collogspb.ExportLogsServiceResponse{})
	})
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	r.stop = func() { srv.Close() }
	return r, nil
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
