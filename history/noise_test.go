package history

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"fmt"
)

// incompressibleLines returns n bytes of JSON lines of random text.
func incompressibleLines(n int) []byte {
	raw := make([]byte, n*3/4)
	rand.Read(raw)
	text := base64.StdEncoding.EncodeToString(raw)
	var b bytes.Buffer
	for len(text) > 0 {
		k := min(len(text), 200)
		fmt.Fprintf(&b, "{\"_event\":\"x\",\"data\":%q}\n", text[:k])
		text = text[k:]
	}
	return b.Bytes()
}
