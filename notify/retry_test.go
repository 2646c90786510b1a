package notify

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	p := RetryPolicy{Attempts: 6, Base: 500 * time.Millisecond, Max: 4 * time.Second}
	tests := []struct {
		attempt int
		jitter  float64
		want    time.Duration
	}{
		{1, 0, 250 * time.Millisecond},
		{1, 0.999999, 499999750 * time.Nanosecond},
		{2, 0, 500 * time.Millisecond},
		{3, 0.5, 1500 * time.Millisecond},
		{4, 0, 2 * time.Second},
		{5, 0, 2 * time.Second}, // capped at Max
		{30, 1, 4 * time.Second},
	}
	for _, tt := range tests {
		if got := p.Backoff(tt.attempt, tt.jitter); got != tt.want {
			t.Errorf("Backoff(%d, %v) = %s, want %s", tt.attempt, tt.jitter, got, tt.want)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"5", 5 * time.Second},
		{" 12 ", 12 * time.Second},
		{"-3", 0},
		{"soon", 0},
		{"Fri, 01 May 2026 12:00:30 GMT", 30 * time.Second},
		{"Fri, 01 May 2026 11:59:00 GMT", 0}, // in the past
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.header, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %s, want %s", tt.header, got, tt.want)
		}
	}
}

func TestFailureKind(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"read tcp 127.0.0.1:41234->127.0.0.1:8080: read: connection reset by peer", "read tcp 127.0.0.1:50000->127.0.0.1:8080: read: connection reset by peer"},
		{`Post "https://hooks.example/[redacted]": dial tcp 10.0.0.1:443: connect: connection refused`, `Post "https://hooks.example/[redacted]": dial tcp 10.0.0.1:443: connect: connection refused`},
	} {
		if failureKind(tc.a) != failureKind(tc.b) {
			t.Errorf("%q and %q are two kinds", tc.a, tc.b)
		}
	}
	if failureKind("HTTP 404") == failureKind("HTTP 500") {
		t.Error("HTTP 404 and HTTP 500 are one kind")
	}
}
