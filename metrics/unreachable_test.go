package metrics

import (
	"io"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/rs/zerolog"
)

// hangingListener accepts connections and never answers, until the test ends.
func hangingListener(t *testing.T) (addr string, accepted *atomic.Int64) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted = &atomic.Int64{}
	var conns []net.Conn
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted.Add(1)
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
		for _, c := range conns {
			c.Close()
		}
	})
	return ln.Addr().String(), accepted
}

// TestUnreachableCollector replays a run into the OTLP output aimed at a
// port that refuses connections and at one that accepts and hangs, over
// HTTP and gRPC: the run ends with its own exit code, the outputs next to
// OTLP still write, and the flush gives up within its timeout.
func TestUnreachableCollector(t *testing.T) {
	t.Setenv("TRACEPARENT", "")
	refused := freePort(t) // nothing listens there any more
	hanging, accepted := hangingListener(t)
	const timeout = 300 * time.Millisecond
	for _, tc := range []struct {
		name, addr, protocol string
		hangs                bool
	}{
		{"refused http", refused, ProtocolHTTP, false},
		{"refused grpc", refused, ProtocolGRPC, false},
		{"hanging http", hanging, ProtocolHTTP, true},
		{"hanging grpc", hanging, ProtocolGRPC, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := accepted.Load()
			otlp, err := NewOTLP(OTLPOptions{Endpoint: "http://" + tc.addr, Protocol: tc.protocol, Timeout: timeout, Log: zerolog.Nop()})
			if err != nil {
				t.Fatal(err)
			}
			file := filepath.Join(t.TempDir(), "ansible.prom")
			stream, err := os.Open(filepath.Join("testdata", "mixed.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			defer stream.Close()
			done := make(chan *event.Summary, 1)
			go func() {
				// Finish reports the failed delivery; that is all it may do.
				s, _ := event.Replay(stream, event.NewFanout(zerolog.Nop(), otlp, NewProm(PromOptions{File: file})), io.Discard, zerolog.Nop())
				done <- s
			}()
			var s *event.Summary
			select {
			case s = <-done:
			case <-time.After(100 * timeout): // a bound for the test, far beyond the flush timeout
				t.Fatal("the run did not end: the flush is not bounded")
			}
			if s.ExitCode != 4 {
				t.Errorf("exit code %d, want the run's 4", s.ExitCode)
			}
			if _, err := os.Stat(file); err != nil {
				t.Errorf("the textfile next to OTLP was not written: %v", err)
			}
			if tc.hangs && accepted.Load() == before {
				t.Error("the exporter never connected to the hanging collector")
			}
		})
	}
}
