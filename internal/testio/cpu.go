package testio

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// ReportCPU reports the CPU time the benchmark's process took per
// operation (all its threads, the garbage collector's included; not a
// PostgreSQL server's): on a loaded machine a steadier figure than the wall
// time. Defer the function it returns.
func ReportCPU(b *testing.B) func() {
	start := CPUTime()
	return func() {
		b.ReportMetric(float64((CPUTime()-start).Milliseconds())/float64(b.N), "cpu-ms/op")
	}
}

// CPUTime is the process's user and system CPU time so far.
func CPUTime() time.Duration {
	var u syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &u)
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// PeakRSS is the process's peak resident set (VmHWM) in MiB, or 0 where
// /proc does not tell it.
func PeakRSS() float64 {
	status, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}
