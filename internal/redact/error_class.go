package redact

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"syscall"
)

// errorClass names the kind of a failure to reach a destination in plain
// words, with the detail that tells what to fix, or "" for another kind.
// Every kind is recognised by its type or errno, never by its text.
func errorClass(err error) string {
	var verify *tls.CertificateVerificationError
	var record tls.RecordHeaderError
	var alert tls.AlertError
	var dns *net.DNSError
	var netErr net.Error
	switch {
	case errors.As(err, &verify):
		return "TLS: the server's certificate is not trusted (" + verify.Err.Error() + ")"
	case errors.As(err, &record):
		return "TLS: the server did not answer in TLS (is the URL https:// for an http:// server?)"
	case errors.As(err, &alert):
		return "TLS: the server refused the handshake (" + alert.Error() + ")"
	case errors.As(err, &dns):
		if dns.IsNotFound {
			return "DNS: no such host " + dns.Name
		}
		return "DNS: cannot resolve " + dns.Name
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return "no route to the host"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection closed by the server before it answered"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded),
		errors.As(err, &netErr) && netErr.Timeout():
		return "no answer in time"
	case errors.Is(err, context.Canceled):
		return "given up (the deadline passed or the user stopped the wait)"
	}
	return ""
}
