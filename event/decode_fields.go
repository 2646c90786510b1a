package event

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/ansible-tap/ansible-tap/internal/jsonscan"
)

// A JSON object of the wire formats (an event line, a host's result, the
// playbook, a play, a host's counts) is described once, as a table of its
// fields: each field's JSON name, where its value goes, and how the fast
// path reads it. Both ways of decoding the object come from the table: the
// fast path's one-pass reader (fields.scan), and the encoding/json fallback
// (fields.decode), which decodes into a struct built from the table, its
// field i holding the value of field i under its name, so that the two
// paths read the same names into the same places.

// A field is one member of a wire object, read into a record of type T.
type field[T any] struct {
	name string // the JSON name, in lower case; keys match it in any ASCII case
	// to returns the address in the record of the field's value, into which
	// encoding/json decodes it.
	to   func(*T) any
	read reader[T]
}

// A reader reads the value at b[v] into the record as encoding/json would
// decode it at the field's address (or, for a value the fast path keeps in
// another form, so that the event decoded is the same), and returns the
// index after it; not ok leaves the whole line to encoding/json.
type reader[T any] func(d *Decoder, b []byte, v int, into *T) (int, bool)

// readBy is a field that encoding/json decodes into *at and the fast path
// reads with read.
func readBy[T, V any](name string, at func(*T) *V, read reader[T]) field[T] {
	return field[T]{name: name, to: func(r *T) any { return at(r) }, read: read}
}

// orNull is read for a field whose zero value encoding/json leaves as it
// is on JSON null (a pointer, map, slice or struct): null is skipped, any
// other value read with read.
func orNull[T any](read reader[T]) reader[T] {
	return func(d *Decoder, b []byte, v int, into *T) (int, bool) {
		if v < len(b) && b[v] == 'n' {
			return jsonscan.SkipLiteral(b, v, "null")
		}
		return read(d, b, v, into)
	}
}

// stringField is a string field.
func stringField[T any](name string, at func(*T) *string) field[T] {
	return readBy(name, at, func(_ *Decoder, b []byte, v int, r *T) (int, bool) {
		return scanStringTo(b, v, at(r))
	})
}

// nameField is a string field that takes few values over a run (an
// event's kind, a host, a module), kept as one string per text.
func nameField[T any](name string, at func(*T) *string) field[T] {
	return readBy(name, at, func(d *Decoder, b []byte, v int, r *T) (int, bool) {
		return d.scanNameTo(b, v, at(r))
	})
}

// boolField is a bool field.
func boolField[T any](name string, at func(*T) *bool) field[T] {
	return readBy(name, at, func(_ *Decoder, b []byte, v int, r *T) (int, bool) {
		return scanBoolTo(b, v, at(r))
	})
}

// intField is an int field.
func intField[T any](name string, at func(*T) *int) field[T] {
	return readBy(name, at, func(_ *Decoder, b []byte, v int, r *T) (int, bool) {
		return scanIntTo(b, v, at(r))
	})
}

// textField is a field read as text (jsonText): a string as itself,
// anything else as its compact JSON.
func textField[T any](name string, at func(*T) *jsonText) field[T] {
	return readBy(name, at, func(_ *Decoder, b []byte, v int, r *T) (int, bool) {
		end, ok := jsonscan.SkipValue(b, v, 1)
		if ok {
			*at(r) = jsonText(textOf(b[v:end]))
		}
		return end, ok
	})
}

// flagField is a return value read as a flag (flexBool).
func flagField[T any](name string, at func(*T) *flexBool) field[T] {
	return readBy(name, at, func(_ *Decoder, b []byte, v int, r *T) (int, bool) {
		end, ok := jsonscan.SkipValue(b, v, 1)
		if ok {
			*at(r) = flexBool(isTrueish(b[v:end]))
		}
		return end, ok
	})
}

// rawField is a field kept as its JSON text in the line (lineJSON).
func rawField[T any](name string, at func(*T) *lineJSON) field[T] {
	return readBy(name, at, func(_ *Decoder, b []byte, v int, r *T) (int, bool) {
		end, ok := jsonscan.SkipValue(b, v, 1)
		if ok {
			*at(r) = b[v:end]
		}
		return end, ok
	})
}

// jsonField is a field that both paths decode with encoding/json: one
// that comes once a play or a run, or is rare.
func jsonField[T, V any](name string, at func(*T) *V) field[T] {
	return readBy(name, at, func(_ *Decoder, b []byte, v int, r *T) (int, bool) {
		return unmarshalAt(b, v, at(r))
	})
}

// fields is the table of a wire object's fields.
type fields[T any] struct {
	list  []field[T]
	index nameIndex // a field's position by its name
	// decoded is the struct that decode decodes into: field i is the value
	// of list[i], tagged with its name. (The fallback reads the records of
	// taggedFields by their types' own tags.)
	decoded reflect.Type
}

// newFields returns the table of the fields in list. An empty name, a
// name given twice or not in lower-case ASCII, or more than 64 fields are
// a programming error.
func newFields[T any](list ...field[T]) *fields[T] {
	if len(list) > 64 {
		panic("newFields: more than 64 fields") // their bits in the mask of fields seen
	}
	var zero T
	var names []string
	var decoded []reflect.StructField
	for i, f := range list {
		if f.name == "" || slices.Contains(names, f.name) || f.name != strings.ToLower(f.name) || !jsonscan.IsASCII([]byte(f.name)) {
			panic(fmt.Sprintf("newFields: field %q is empty, given twice or not in lower-case ASCII", f.name))
		}
		names = append(names, f.name)
		decoded = append(decoded, reflect.StructField{
			Name: fmt.Sprintf("F%d", i),
			Type: reflect.TypeOf(f.to(&zero)).Elem(),
			Tag:  reflect.StructTag(`json:"` + f.name + `"`),
		})
	}
	return &fields[T]{list: list, index: newNameIndex(names), decoded: reflect.StructOf(decoded)}
}

// find returns the position of the field that a plain key names, up to
// ASCII case, or -1.
func (fs *fields[T]) find(key []byte) int { return fs.index.find(key) }

// nameOf returns the name of the field that a plain key names, up to
// ASCII case, or "".
func (fs *fields[T]) nameOf(key []byte) string {
	if i := fs.find(key); i >= 0 {
		return fs.list[i].name
	}
	return ""
}

// scan reads the object at b[v], at nesting depth depth, into the record,
// in one pass, as decode would; it skips the members it has no field for.
// A key with escapes or other than ASCII, or a field given twice, is not
// ok: encoding/json then decides.
func (fs *fields[T]) scan(d *Decoder, b []byte, v, depth int, into *T) (int, bool) {
	if v >= len(b) || b[v] != '{' {
		return 0, false
	}
	var seen uint64
	return jsonscan.EachMember(b, v, depth, func(key []byte, escaped bool, i int) (int, bool) {
		if !jsonscan.PlainKey(key, escaped) {
			return 0, false
		}
		f := fs.find(key)
		if f < 0 {
			return jsonscan.SkipValue(b, i, depth+1)
		}
		if seen&(1<<f) != 0 {
			return 0, false
		}
		seen |= 1 << f
		return fs.list[f].read(d, b, i, into)
	})
}

// decode reads the JSON value data into the record, which is zero, with
// encoding/json: each field as encoding/json decodes a struct field of its
// type and name (names matched without regard to case, the last of a name
// given twice winning). Like encoding/json, it reads on past a value of the
// wrong type, and returns the first error.
func (fs *fields[T]) decode(data []byte, into *T) error {
	decoded := reflect.New(fs.decoded)
	err := json.Unmarshal(data, decoded.Interface())
	values := decoded.Elem()
	for i, f := range fs.list {
		if v := values.Field(i); !v.IsZero() {
			reflect.ValueOf(f.to(into)).Elem().Set(v)
		}
	}
	return err
}

// taggedFields returns the table of the fields of the struct T by their
// json tags, the names under which encoding/json reads them; each field
// is read as its type says (string, bool, int, or anything else with
// encoding/json), but those in custom, which replace the field of their
// name. The records that come once a play or a run are read so, their
// tags being their one description.
func taggedFields[T any](custom ...field[T]) *fields[T] {
	var list []field[T]
	for _, sf := range reflect.VisibleFields(reflect.TypeFor[T]()) {
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if !sf.IsExported() || sf.Anonymous || name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		name = strings.ToLower(name)
		value := func(r *T) reflect.Value { return reflect.ValueOf(r).Elem().FieldByIndex(sf.Index).Addr() }
		switch sf.Type {
		case reflect.TypeFor[string]():
			list = append(list, stringField(name, func(r *T) *string { return value(r).Interface().(*string) }))
		case reflect.TypeFor[bool]():
			list = append(list, boolField(name, func(r *T) *bool { return value(r).Interface().(*bool) }))
		case reflect.TypeFor[int]():
			list = append(list, intField(name, func(r *T) *int { return value(r).Interface().(*int) }))
		default:
			list = append(list, field[T]{name: name, to: func(r *T) any { return value(r).Interface() },
				read: func(_ *Decoder, b []byte, v int, r *T) (int, bool) { return unmarshalAt(b, v, value(r).Interface()) }})
		}
	}
	for _, c := range custom {
		i := slices.IndexFunc(list, func(f field[T]) bool { return f.name == c.name })
		if i < 0 {
			panic(fmt.Sprintf("taggedFields: %s has no field %q", reflect.TypeFor[T](), c.name))
		}
		list[i] = c
	}
	return newFields(list...)
}

// nameIndex finds a name among a few in some instructions, up to ASCII
// case: each name hashes, by its length and three of its bytes, to a slot
// of its own in a table a few times larger than the names, for a
// multiplier searched for when the index is built. A key is then one of
// the names only if it is the name in its slot. A map would take several
// times as long, and this runs for every key of every line.
type nameIndex struct {
	slots   []int8   // the position of each slot's name, or -1
	names   []string // the names, by position
	longest int      // the length of the longest name
	mult    uint32
	shift   uint32
}

// newNameIndex returns the index of names, which are distinct, not empty
// and in lower case.
func newNameIndex(names []string) nameIndex {
	bits := uint32(3)
	for 1<<bits < 4*len(names) {
		bits++
	}
	x := nameIndex{names: names}
	for _, name := range names {
		x.longest = max(x.longest, len(name))
	}
	for ; bits <= 16; bits++ {
		x.shift = 32 - bits
		x.slots = make([]int8, 1<<bits)
		for k := uint32(1); k <= 1<<12; k++ {
			x.mult = k*0x9E3779B1 | 1
			if x.fill() {
				return x
			}
		}
	}
	panic(fmt.Sprintf("newNameIndex: names that no multiplier tells apart: %q", names))
}

// fill puts each name in its slot, and reports whether no two share one.
func (x *nameIndex) fill() bool {
	for i := range x.slots {
		x.slots[i] = -1
	}
	for i, name := range x.names {
		s := x.slot([]byte(name))
		if x.slots[s] >= 0 {
			return false
		}
		x.slots[s] = int8(i)
	}
	return true
}

// slot returns the slot of a key that is not empty. ASCII letters hash
// as their lower case (c|0x20), so a key hashes as the name it matches.
func (x *nameIndex) slot(key []byte) uint32 {
	n := len(key)
	h := uint32(n) ^ uint32(key[0]|0x20)<<8 ^ uint32(key[n/2]|0x20)<<16 ^ uint32(key[n-1]|0x20)<<24
	return (h * x.mult) >> x.shift
}

// find returns the position of the name a key is, up to ASCII case, or -1.
func (x *nameIndex) find(key []byte) int {
	if len(key) == 0 || len(key) > x.longest {
		return -1
	}
	i := x.slots[x.slot(key)]
	if i < 0 {
		return -1
	}
	name := x.names[i]
	if string(key) == name { // as the callbacks write it
		return int(i)
	}
	if len(name) != len(key) {
		return -1
	}
	for j, c := range key {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != name[j] {
			return -1
		}
	}
	return int(i)
}
