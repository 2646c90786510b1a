package otlpreceiver

import (
	"context"
	"net"

	collogspb "go.opentelemetry.io/proto/otlp/collector/logs/v1"
	collmetricpb "go.opentelemetry.io/proto/otlp/collector/metrics/v1"
	colltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/stats"
)

// StartGRPC starts an OTLP/gRPC receiver (trace, metrics and logs
// services) on 127.0.0.1.
func StartGRPC() (*Receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &Receiver{URL: "http://" + ln.Addr().String()}
	srv := grpc.NewServer(grpc.StatsHandler(wireCounter{r: r}))
	colltracepb.RegisterTraceServiceServer(srv, traceService{r: r})
	collmetricpb.RegisterMetricsServiceServer(srv, metricsService{r: r})
	collogspb.RegisterLogsServiceServer(srv, logsService{r: r})
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

type logsService struct {
	collogspb.UnimplementedLogsServiceServer
	r *Receiver
}

func (s logsService) Export(_ context.Context, req *collogspb.ExportLogsServiceRequest) (*collogspb.ExportLogsServiceResponse, error) {
	s.r.addLogs(req)
	return &collogspb.ExportLogsServiceResponse{}, nil
}

// wireCounter adds the size of every request message, as it came over the
// wire with its gRPC framing, to the receiver's bytes.
type wireCounter struct{ r *Receiver }

func (c wireCounter) TagRPC(ctx context.Context, _ *stats.RPCTagInfo) context.Context { return ctx }

func (c wireCounter) HandleRPC(_ context.Context, s stats.RPCStats) {
	if in, ok := s.(*stats.InPayload); ok && !in.Client {
		c.r.bytes.Add(int64(in.WireLength))
	}
}

func (c wireCounter) TagConn(ctx context.Context, _ *stats.ConnTagInfo) context.Context { return ctx }

func (c wireCounter) HandleConn(context.Context, stats.ConnStats) {}
