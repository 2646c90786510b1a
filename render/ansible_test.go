package render

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"
)

// replayAnsible replays a stream with the default output, the console
// records going where the CLI sends them.
func replayAnsible(t *testing.T, stream string, opts AnsibleOptions) (stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	opts.Stdout, opts.Stderr, opts.Replay = &out, &errOut, true
	d := event.NewDecoder(strings.NewReader(stream))
	d.Log = zerolog.Nop()
	d.Console = func(s string, data []byte) {
		if s == event.StreamStderr {
			errOut.Write(data)
			return
		}
		out.Write(data)
	}
	if _, err := event.ReplayDecoder(d, NewAnsible(opts)); err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String()
}

// A recording without Ansible's console output (an older events file, a
// stock callback's stream) replays as compact output.
func TestAnsibleReplayWithoutConsoleIsCompact(t *testing.T) {
	for _, stream := range streams(t) {
		data, err := os.ReadFile(stream)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte(event.ConsoleEvent)) {
			continue
		}
		got, _ := replayAnsible(t, string(data), AnsibleOptions{Options: Options{Now: fixedClock}})
		want := replay(t, stream, "compact", Options{Now: fixedClock})
		if diff := cmp.Diff(string(want), got); diff != "" {
			t.Errorf("%s (-compact +ansible):\n%s", stream, diff)
		}
	}
}

// A recording with the console output prints it as it was, stdout and
// stderr apart, then ansible-tap's summary unless it is turned off.
func TestAnsibleReplayPrintsTheConsole(t *testing.T) {
	stream := strings.Join([]string{
		`{"_event":"ansible_tap_run_start","_timestamp":"2026-01-02T03:04:05Z","console":true}`,
		`{"playbook":{"path":"/p/site.yml","stdout_callback":"default"},"_event":"v2_playbook_on_start","_timestamp":"2026-01-02T03:04:05Z"}`,
		`{"_event":"ansible_tap_console","_timestamp":"2026-01-02T03:04:05Z","stream":"stdout","data":"\nPLAY [p] ***\n"}`,
		`{"play":{"name":"p","id":"p1"},"_event":"v2_playbook_on_play_start","_timestamp":"2026-01-02T03:04:05Z"}`,
		`{"task":{"name":"t","id":"t1"},"_event":"v2_playbook_on_task_start","_timestamp":"2026-01-02T03:04:05Z"}`,
		`{"_event":"ansible_tap_console","_timestamp":"2026-01-02T03:04:06Z","stream":"stderr","data_base64":"W1dBUk5JTkddOiD/CmhpCg=="}`,
		`{"task":{"name":"t","id":"t1"},"host":"h","hosts":{"h":{"changed":false}},"_event":"v2_runner_on_ok","_timestamp":"2026-01-02T03:04:07Z"}`,
		`{"_event":"ansible_tap_console","_timestamp":"2026-01-02T03:04:07Z","stream":"stdout","data":"ok: [h]\n"}`,
		`{"_event":"ansible_tap_run_end","_timestamp":"2026-01-02T03:04:08Z","exit_code":0,"interrupted":false}`,
	}, "\n") + "\n"
	stdout, stderr := replayAnsible(t, stream, AnsibleOptions{NoSummary: true})
	if stdout != "\nPLAY [p] ***\nok: [h]\n" {
		t.Errorf("stdout %q", stdout)
	}
	if stderr != "[WARNING]: \xff\nhi\n" {
		t.Errorf("stderr %q: the bytes that are not UTF-8 must come back as they were", stderr)
	}
	stdout, _ = replayAnsible(t, stream, AnsibleOptions{})
	if !strings.HasPrefix(stdout, "\nPLAY [p] ***\nok: [h]\nDuration: 2.0s\n") {
		t.Errorf("the summary does not follow the console output:\n%s", stdout)
	}
}

func TestMachineReadable(t *testing.T) {
	for name, want := range map[string]bool{
		"json": true, "ansible.posix.json": true, "ansible.posix.jsonl": true, "community.general.json": true,
		"default": false, "yaml": false, "minimal": false, "": false, "jsonish": false,
	} {
		if got := machineReadable(name); got != want {
			t.Errorf("machineReadable(%q) = %v, want %v", name, got, want)
		}
	}
}
