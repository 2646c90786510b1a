package testio

import (
	"syscall"
	"testing"
	"time"
)

// ReportCPU reports the CPU time the benchmark's process took per
// operation (all its threads, the garbage collector's included; not a
// PostgreSQL server's): on a loaded machine a steadier figure than the wall
// time. Defer the function it returns.
func ReportCPU(b *testing.B) func() {
	start := cpuTime()
	return func() {
		b.ReportMetric(float64((cpuTime()-start).Milliseconds())/float64(b.N), "cpu-ms/op")
	}
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var u syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &u)
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
