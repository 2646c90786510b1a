// Command otlpsink is an OTLP/HTTP receiver on 127.0.0.1 for benchmarks: it
// prints its endpoint URL on the first line of stdout, decodes what it
// receives with the official OTLP types, and on SIGTERM or SIGINT prints how
// many spans it received and exits.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/ansible-tap/ansible-tap/internal/otlpreceiver"
)

func main() {
	r, err := otlpreceiver.StartHTTP()
	if err != nil {
		fmt.Fprintln(os.Stderr, "otlpsink:", err)
		os.Exit(1)
	}
	fmt.Println(r.URL)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	spans := 0
	for _, rs := range r.ResourceSpans() {
		for _, ss := range rs.ScopeSpans {
			spans += len(ss.Spans)
		}
	}
	r.Close()
	fmt.Fprintf(os.Stderr, "otlpsink: %d requests, %d spans\n", r.Requests(), spans)
}
