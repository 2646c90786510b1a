package event

import (
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/ansible-tap/ansible-tap/internal/jsonscan"
)

// A fieldSample is a line that holds a field of a wire table, and the
// same line without it: template is the line, whose %s is where the
// member goes, after another member.
type fieldSample struct{ template, member string }

func (s fieldSample) with() string    { return fmt.Sprintf(s.template, ","+s.member) }
func (s fieldSample) without() string { return fmt.Sprintf(s.template, "") }

// wireFieldSamples are lines with each top-level field of wireFields, in
// an event where it counts.
var wireFieldSamples = map[string]fieldSample{
	"_event":              {`{"host":"h"%s}`, `"_event":"v2_runner_on_ok"`},
	"_timestamp":          {`{"_event":"v2_runner_on_ok","host":"h"%s}`, `"_timestamp":"2026-01-02T03:04:05.5Z"`},
	"playbook":            {`{"_event":"v2_playbook_on_start"%s}`, `"playbook":{"path":"/p.yml","verbosity":2}`},
	"play":                {`{"_event":"v2_playbook_on_play_start"%s}`, `"play":{"id":"p","name":"n","hosts":["all"]}`},
	"task":                {`{"_event":"v2_playbook_on_task_start"%s}`, `"task":{"id":"t","name":"n","action":"debug"}`},
	"host":                {`{"_event":"v2_runner_on_ok"%s}`, `"host":"h"`},
	"hosts":               {`{"_event":"v2_runner_on_ok","host":"h"%s}`, `"hosts":{"h":{"changed":true}}`},
	"item":                {`{"_event":"v2_runner_item_on_ok","host":"h"%s}`, `"item":{"name":"i"}`},
	"ignore_errors":       {`{"_event":"v2_runner_on_failed","host":"h"%s}`, `"ignore_errors":true`},
	"rescued":             {`{"_event":"v2_runner_on_failed","host":"h"%s}`, `"rescued":true`},
	"ignore_unreachable":  {`{"_event":"v2_runner_on_unreachable","host":"h"%s}`, `"ignore_unreachable":true`},
	"no_log":              {`{"_event":"v2_runner_on_ok","host":"h"%s}`, `"no_log":true`},
	"meta":                {`{"_event":"v2_runner_on_skipped","host":"h"%s}`, `"meta":true`},
	"include":             {`{"_event":"v2_runner_on_ok","host":"h"%s}`, `"include":true`},
	"loop":                {`{"_event":"v2_runner_on_ok","host":"h"%s}`, `"loop":true`},
	"delegated_to":        {`{"_event":"v2_runner_on_ok","host":"h"%s}`, `"delegated_to":"d"`},
	"delegated_host":      {`{"_event":"v2_runner_on_ok","host":"h"%s}`, `"delegated_host":"10.0.0.1"`},
	"attempts":            {`{"_event":"v2_runner_retry","host":"h","hosts":{"h":{}}%s}`, `"attempts":2`},
	"retries":             {`{"_event":"v2_runner_retry","host":"h","hosts":{"h":{}}%s}`, `"retries":3`},
	"handler":             {`{"_event":"v2_playbook_on_notify","host":"h"%s}`, `"handler":{"name":"restart","id":"x"}`},
	"included_file":       {`{"_event":"v2_playbook_on_include"%s}`, `"included_file":{"path":"/t.yml","hosts":["h"]}`},
	"diff_text":           {`{"_event":"v2_on_file_diff","host":"h"%s}`, `"diff_text":"--- a\n+++ b\n"`},
	"stats":               {`{"_event":"v2_playbook_on_stats"%s}`, `"stats":{"h":{"ok":1,"failures":2}}`},
	"custom_stats":        {`{"_event":"v2_playbook_on_stats"%s}`, `"custom_stats":{"h":{"a":1}}`},
	"global_custom_stats": {`{"_event":"v2_playbook_on_stats"%s}`, `"global_custom_stats":{"a":1}`},
	"plays":               {`{"stats":{"h":{"ok":1}}%s}`, `"plays":[{"play":{"id":"p","name":"n"},"tasks":[]}]`},
	"exit_code":           {`{"_event":"ansible_tap_run_end"%s}`, `"exit_code":2`},
	"interrupted":         {`{"_event":"ansible_tap_run_end"%s}`, `"interrupted":true`},
	"console":             {`{"_event":"ansible_tap_run_start"%s}`, `"console":true`},
	"summary":             {`{"_event":"ansible_tap_run_start"%s}`, `"summary":false`},
	"stream":              {`{"_event":"ansible_tap_console","data":"x"%s}`, `"stream":"stderr"`},
	"data":                {`{"_event":"ansible_tap_console","stream":"stdout"%s}`, `"data":"x"`},
	"data_base64":         {`{"_event":"ansible_tap_console","stream":"stdout"%s}`, `"data_base64":"eQ=="`},
	"hook":                {`{"_event":"ansible_tap_diagnostic","error":"e"%s}`, `"hook":"v2_runner_on_ok"`},
	"error":               {`{"_event":"ansible_tap_diagnostic","hook":"h"%s}`, `"error":"boom"`},
	"encode_error":        {`{"_event":"v2_runner_on_ok","host":"h"%s}`, `"encode_error":"not serializable"`},
}

// resultFieldSamples are lines with each return value of resultFields.
var resultFieldSamples = func() map[string]fieldSample {
	const result = `{"_event":"v2_runner_item_on_ok","host":"h","task":{"id":"t"},"hosts":{"h":{"x":0%s}}}`
	samples := make(map[string]fieldSample)
	for name, value := range map[string]string{
		"changed": `"yes"`, "failed": `true`, "skipped": `1`, "unreachable": `true`, "msg": `["a",1]`,
		"skip_reason": `"s"`, "stderr": `"e"`, "rc": `2`, "attempts": `3`, "retries": `4`,
		"action": `"ansible.builtin.command"`, "item": `"i"`, "_ansible_item_label": `{"l":1}`,
	} {
		samples[name] = fieldSample{result, fmt.Sprintf("%q:%s", name, value)}
	}
	return samples
}()

// TestEveryWireFieldIsRead checks each field of the wire tables with a
// line that holds it: the fast path reads the line itself, encoding/json
// decodes it the same, and the field changes what the decoder reports,
// beside the bytes of the line and of the result. A field added to a
// table without a sample here fails.
func TestEveryWireFieldIsRead(t *testing.T) {
	check := func(t *testing.T, names []string, samples map[string]fieldSample) {
		for _, name := range names {
			sample, ok := samples[name]
			if !ok {
				t.Errorf("field %q has no sample line", name)
				continue
			}
			delete(samples, name)
			t.Run(name, func(t *testing.T) {
				line := []byte(sample.with())
				if !NewDecoder(nil).scanWire(line, &wireEvent{}) {
					t.Errorf("%s was left to encoding/json", line)
				}
				with := decodeBoth(t, append(line, '\n'), false)
				if diff := sameDecoding(with, decodeBoth(t, append(line, '\n'), true)); diff != "" {
					t.Fatalf("%s\n%s", line, diff)
				}
				without := decodeBoth(t, []byte(sample.without()+"\n"), false)
				if reported(without) == reported(with) {
					t.Errorf("%s decodes as if %s were not there:\n%s", line, name, reported(with))
				}
			})
		}
		for name := range samples {
			t.Errorf("sample %q names no field", name)
		}
	}
	check(t, fieldNames(wireFields), clone(wireFieldSamples))
	check(t, fieldNames(resultFields), clone(resultFieldSamples))
}

func fieldNames[T any](fs *fields[T]) []string {
	var names []string
	for _, f := range fs.list {
		names = append(names, f.name)
	}
	return names
}

func clone(samples map[string]fieldSample) map[string]fieldSample {
	c := make(map[string]fieldSample, len(samples))
	for k, v := range samples {
		c[k] = v
	}
	return c
}

// reported renders what a decoding reports, but for the bytes of the
// line and of the result.
func reported(d decoded) string {
	var events []Event
	for _, ev := range d.events {
		e := *ev
		e.Raw = nil
		if e.Result != nil {
			r := *e.Result
			r.Raw = nil
			e.Result = &r
		}
		events = append(events, e)
	}
	return fmt.Sprintf("%s\ntext %q console %q nonEvents %d unknown %d exit %v interrupted %v recorded %v summaryHidden %v runStarted %v\nlog %s",
		cmp.Diff(nil, events, cmpopts.EquateEmpty()), d.text.String(), d.console, d.nonEvents, d.unknown,
		deref(d.exitCode), deref(d.interrupted), d.recorded, d.summaryHidden, d.runStarted, d.log.String())
}

func deref[V any](p *V) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestRecordFieldsRoundTrip writes the playbook, a play and a host's
// counts with every field of their model types set, as encoding/json
// writes them by their tags, and checks that the fast path reads each
// line itself and back to the same values.
func TestRecordFieldsRoundTrip(t *testing.T) {
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var playbook Playbook
	var play Play
	var counts HostCounts
	for _, v := range []any{&playbook, &play, &counts} {
		fillFields(t, reflect.ValueOf(v).Elem())
	}
	lines := []string{
		`{"_event":"v2_playbook_on_start","playbook":` + mustJSON(t, playbook) + `}`,
		`{"_event":"v2_playbook_on_play_start","play":` + mustJSON(t, wirePlay{Play: play, Duration: wireDuration{Start: start.Format(timestampLayout), End: "x"}}) + `}`,
		`{"_event":"v2_playbook_on_stats","stats":{"h":` + mustJSON(t, counts) + `}}`,
	}
	play.Start = start
	for i, want := range []any{&playbook, &play, map[string]HostCounts{"h": counts}} {
		line := []byte(lines[i])
		if !NewDecoder(nil).scanWire(line, &wireEvent{}) {
			t.Errorf("%s was left to encoding/json", line)
		}
		for _, slowOnly := range []bool{false, true} {
			got := decodeBoth(t, append(line, '\n'), slowOnly)
			if len(got.events) != 1 {
				t.Fatalf("%s: %d events", line, len(got.events))
			}
			ev := got.events[0]
			if diff := cmp.Diff(want, []any{ev.Playbook, ev.Play, ev.Stats}[i]); diff != "" {
				t.Errorf("%s (encoding/json only: %v):\n%s", line, slowOnly, diff)
			}
		}
	}
}

// fillFields sets every exported field of v that encoding/json writes to
// a value of its own.
func fillFields(t *testing.T, v reflect.Value) {
	for i := range v.NumField() {
		f, sf := v.Field(i), v.Type().Field(i)
		if !sf.IsExported() || strings.HasPrefix(sf.Tag.Get("json"), "-") {
			continue
		}
		switch f.Kind() {
		case reflect.String:
			f.SetString(strings.ToLower(sf.Name) + "-value")
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Int:
			f.SetInt(int64(i + 1))
		case reflect.Slice:
			f.Set(reflect.ValueOf([]string{sf.Name, "web\u00e9"}))
		default:
			t.Fatalf("fillFields: %s.%s is a %s", v.Type(), sf.Name, f.Kind())
		}
	}
}

// The tables refuse what would make the two paths disagree.
func TestNewFieldsRefuses(t *testing.T) {
	at := func(w *wireEvent) *string { return &w.kind }
	for _, c := range []struct {
		name   string
		fields []field[wireEvent]
	}{
		{"a name given twice", []field[wireEvent]{stringField("a", at), stringField("a", at)}},
		{"a name in upper case", []field[wireEvent]{stringField("Host", at)}},
		{"a name beyond ASCII", []field[wireEvent]{stringField("hé", at)}},
		{"an empty name", []field[wireEvent]{stringField("", at)}},
		{"more than 64 fields", func() (list []field[wireEvent]) {
			for i := range 65 {
				list = append(list, stringField(fmt.Sprint("f", i), at))
			}
			return list
		}()},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("newFields took %s", c.name)
				}
			}()
			newFields(c.fields...)
		}()
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Errorf("taggedFields took a custom field that the type does not have")
			}
		}()
		taggedFields(stringField("nothing", func(p *Playbook) *string { return &p.Path }))
	}()
}

// TestNameIndex checks the index of every table against a plain search,
// over the keys of the recorded streams, the names in other cases and
// names a byte off.
func TestNameIndex(t *testing.T) {
	var keys []string
	for _, name := range []string{"../testdata/fleet/fleet.jsonl", "testdata/basic.tap.jsonl", "testdata/basic.posix.jsonl"} {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile(`"([^"\\]*)":`).FindAllStringSubmatch(string(data), -1) {
			keys = append(keys, m[1])
		}
	}
	keys = append(keys, "", "x", strings.Repeat("y", 100), "\xff", "hoſts", "\x00")
	for _, names := range [][]string{fieldNames(wireFields), fieldNames(resultFields), fieldNames(playbookFields),
		fieldNames(playFields), fieldNames(durationFields), fieldNames(countFields)} {
		x := newNameIndex(names)
		tried := slices.Clone(keys)
		for _, name := range names {
			tried = append(tried, name, strings.ToUpper(name), strings.ToUpper(name[:1])+name[1:],
				name[:len(name)-1], name+"s", name[:len(name)-1]+"\x7f", "_"+name[1:])
		}
		for _, key := range tried {
			want := slices.IndexFunc(names, func(name string) bool { return strings.EqualFold(name, key) && jsonscan.IsASCII([]byte(key)) })
			if got := x.find([]byte(key)); got != want {
				t.Errorf("find(%q) among %q = %d, want %d", key, names, got, want)
			}
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("newNameIndex took two names of the same length and first, middle and last bytes")
		}
	}()
	newNameIndex([]string{"axbya", "azbwa"})
}
