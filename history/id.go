package history

import (
	"crypto/rand"
	"encoding/binary"
	"time"
)

// idAlphabet is Crockford's base 32 in lower case: no i, l, o or u, and in
// ASCII order, so that ids of one length sort as the numbers they encode.
const idAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// idEpoch is where the milliseconds of an id count from.
var idEpoch = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)

const (
	idTimeChars   = 9 // milliseconds since idEpoch: 32^9 ms, over a thousand years
	idRandomChars = 3 // 32,768 ids for the same millisecond
	// IDLength is the length of a run's id.
	IDLength = idTimeChars + idRandomChars
)

// newID returns a run id for a recording begun at t: the milliseconds
// since 2020 and three random characters, twelve characters in all, such
// as "0k9m2x7q4b3f". Ids sort by the time they were made.
func newID(t time.Time) string {
	var b [IDLength]byte
	ms := uint64(max(t.Sub(idEpoch).Milliseconds(), 0))
	for i := idTimeChars - 1; i >= 0; i-- {
		b[i] = idAlphabet[ms%32]
		ms /= 32
	}
	var r [8]byte
	rand.Read(r[:])
	n := binary.LittleEndian.Uint64(r[:])
	for i := idTimeChars; i < IDLength; i++ {
		b[i] = idAlphabet[n%32]
		n /= 32
	}
	return string(b[:])
}

// isIDPrefix reports whether s can begin an id.
func isIDPrefix(s string) bool {
	if s == "" || len(s) > IDLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isIDChar(s[i]) {
			return false
		}
	}
	return true
}

func isIDChar(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' && c != 'i' && c != 'l' && c != 'o' && c != 'u'
}
