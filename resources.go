package main

import (
	"syscall"

	"github.com/rs/zerolog"
)

// logResources reports, at debug level, what ansible-tap itself used: its
// peak resident memory (KiB on Linux, bytes on macOS) and CPU time, without
// ansible-playbook's. bench/metrics_overhead.sh reads it.
func logResources(log zerolog.Logger) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return
	}
	log.Debug().Int64("max_rss", int64(ru.Maxrss)).
		Float64("user_seconds", float64(ru.Utime.Nano())/1e9).
		Float64("system_seconds", float64(ru.Stime.Nano())/1e9).
		Msg("ansible-tap's own resources")
}
