// Package otlpreceiver is a small OTLP receiver for tests and benchmarks: it
// listens on 127.0.0.1 over HTTP (http/protobuf) or gRPC, decodes the
// requests with the official OTLP protobuf types and keeps what it received.
package otlpreceiver

import (
	"compress/gzip"
	"context"
	"io"
	"net"
	"net/http"
	"sync"

	collmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	colltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	metricpb "go.opentelemetry.io/proto/otlp/metrics/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/proto"
)

// Receiver keeps the OTLP data it received.
type Receiver struct {
	// URL is the endpoint to give an exporter: http://127.0.0.1:PORT.
	URL string

	mu       sync.Mutex
	spans    []*tracepb.ResourceSpans
	metrics  []*metricpb.ResourceMetrics
	requests int
	stop     func()
}

// Requests is the number of export requests decoded so far.
func (r *Receiver) Requests() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.requests
}

// ResourceSpans returns the spans received, as sent.
func (r *Receiver) ResourceSpans() []*tracepb.ResourceSpans {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*tracepb.ResourceSpans(nil), r.spans...)
}

// ResourceMetrics returns the metrics received, as sent.
func (r *Receiver) ResourceMetrics() []*metricpb.ResourceMetrics {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*metricpb.ResourceMetrics(nil), r.metrics...)
}

// Close stops the receiver.
func (r *Receiver) Close() { r.stop() }

func (r *Receiver) addSpans(req *colltracepb.ExportTraceServiceRequest) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	r.spans = append(r.spans, req.ResourceSpans...)
}

func (r *Receiver) addMetrics(req *collmetricpb.ExportMetricsServiceRequest) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.requests++
	r.metrics = append(r.metrics, req.ResourceMetrics...)
}

// StartHTTP starts an OTLP/HTTP receiver (binary protobuf, optionally
// gzipped) serving /v1/traces and /v1/metrics on 127.0.0.1.
func StartHTTP() (*Receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &Receiver{URL: "http://" + ln.Addr().String()}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/traces", func(w http.ResponseWriter, req *http.Request) {
		msg := &colltracepb.ExportTraceServiceRequest{}
		if !decode(w, req, msg) {
			return
		}
		r.addSpans(msg)
		reply(w, &colltracepb.ExportTraceServiceResponse{})
	})
	mux.HandleFunc("POST /v1/metrics", func(w http.ResponseWriter, req *http.Request) {
		msg := &collmetricpb.ExportMetricsServiceRequest{}
		if !decode(w, req, msg) {
			return
		}
		r.addMetrics(msg)
		reply(w, &collmetricpb.ExportMetricsServiceResponse{})
	})
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	r.stop = func() { srv.Close() }
	return r, nil
}

func decode(w http.ResponseWriter, req *http.Request, msg proto.Message) bool {
	var body io.Reader = req.Body
	if req.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(req.Body)
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

// StartGRPC starts an OTLP/gRPC receiver (trace and metrics services) on 127.0.0.1.
func StartGRPC() (*Receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &Receiver{URL: "http://" + ln.Addr().String()}
	srv := grpc.NewServer()
	colltracepb.RegisterTraceServiceServer(srv, traceService{r: r})
	collmetricpb.RegisterMetricsServiceServer(srv, metricsService{r: r})
	go srv.Serve(ln)
	r.stop = srv.Stop
	return r, nil
}

type traceService struct {
	colltracepb.UnimplementedTraceServiceServer
	r *Receiver
}

func (s traceService) Export(_ context.Context, req *colltracepb.ExportTraceServiceRequest) (*colltracepb.ExportTraceServiceResponse, error) {
	s.r.addSpans(req)
	return &colltracepb.ExportTraceServiceResponse{}, nil
}

type metricsService struct {
	collmetricpb.UnimplementedMetricsServiceServer
	r *Receiver
}

func (s metricsService) Export(_ context.Context, req *collmetricpb.ExportMetricsServiceRequest) (*collmetricpb.ExportMetricsServiceResponse, error) {
	s.r.addMetrics(req)
	return &collmetricpb.ExportMetricsServiceResponse{}, nil
}
