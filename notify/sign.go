package notify

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The headers of a webhook delivery.
const (
	// HeaderDelivery is a unique id per payload, the same on every retry.
	HeaderDelivery = "X-Ansible-Tap-Delivery"
	// HeaderEvent is the payload's event_type.
	HeaderEvent = "X-Ansible-Tap-Event"
	// HeaderTimestamp is the Unix time, in seconds, of the attempt.
	HeaderTimestamp = "X-Ansible-Tap-Timestamp"
	// HeaderSignature is "v1=" and the hex HMAC-SHA256 of timestamp "." body.
	HeaderSignature = "X-Ansible-Tap-Signature"
)

// signaturePrefix names the signature scheme.
const signaturePrefix = "v1="

// Sign returns the signature header value of body sent at timestamp (Unix
// seconds, as sent in HeaderTimestamp): "v1=" + hex(HMAC-SHA256(secret,
// timestamp + "." + body)).
func Sign(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp))
	mac.Write([]byte("."))
	mac.Write(body)
	return signaturePrefix + hex.EncodeToString(mac.Sum(nil))
}

// The reasons Verify rejects a delivery.
var (
	ErrNoSignature  = errors.New("no signature or timestamp header")
	ErrBadSignature = errors.New("signature does not match")
	ErrStale        = errors.New("timestamp outside the tolerance")
)

// Verify checks a delivery's signature as a receiver should: the HMAC over
// the timestamp header and the raw body, compared in constant time, and a
// timestamp within tolerance of now, which defeats replays.
func Verify(secret string, h http.Header, body []byte, tolerance time.Duration, now time.Time) error {
	ts, sig := h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if ts == "" || sig == "" {
		return ErrNoSignature
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %q", ErrStale, ts)
	}
	if d := now.Sub(time.Unix(secs, 0)); d > tolerance || d < -tolerance {
		return ErrStale
	}
	if !strings.HasPrefix(sig, signaturePrefix) || !hmac.Equal([]byte(sig), []byte(Sign(secret, ts, body))) {
		return ErrBadSignature
	}
	return nil
}

// newID returns a random UUID (version 4).
func newID() string {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
