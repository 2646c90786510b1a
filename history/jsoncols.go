package history

import (
	"encoding/json"

	"github.com/ansible-tap/ansible-tap/internal/jsonscan"
)

// The runs table keeps its lists and label maps as JSON text, for listing
// without a join. Listing reads them with jsonscan, several times faster
// than encoding/json on these small values, which decides whenever the
// scanner gives up.

// decodeStrings reads a JSON array of strings; an empty one reads as nil.
func decodeStrings(b []byte) ([]string, error) {
	var out []string
	end, ok := jsonscan.EachElement(b, 0, 0, func(v int) (int, bool) {
		s, end, ok := jsonscan.ReadString(b, v)
		out = append(out, s)
		return end, ok
	})
	if ok && end == len(b) {
		return out, nil
	}
	return unmarshalColumn[[]string](b)
}

// decodeLabels reads a JSON object of strings; an empty one reads as nil.
func decodeLabels(b []byte) (map[string]string, error) {
	var out map[string]string
	ok := len(b) > 0 && b[0] == '{'
	var end int
	if ok {
		end, ok = jsonscan.EachMember(b, 0, 0, func(key []byte, escaped bool, v int) (int, bool) {
			k, ok := jsonscan.Unquote(key, escaped)
			if !ok {
				return 0, false
			}
			s, end, ok := jsonscan.ReadString(b, v)
			if out == nil {
				out = make(map[string]string)
			}
			out[k] = s
			return end, ok
		})
	}
	if ok && end == len(b) {
		return out, nil
	}
	return unmarshalColumn[map[string]string](b)
}

// unmarshalColumn reads b with encoding/json, where the scanner gave up;
// an empty list or map reads as nil.
func unmarshalColumn[T []string | map[string]string](b []byte) (T, error) {
	var out T
	if err := json.Unmarshal(b, &out); err != nil || len(out) == 0 {
		var none T
		return none, err
	}
	return out, nil
}
