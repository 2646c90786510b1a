package runner

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ansible-tap/ansible-tap/internal/testio"
)

// accessorObservation is one line of testdata/accessors'
// tap_accessor_check callback: what an accessor of the plugin returned for
// a real object of the running ansible-core, and what Ansible itself gives.
type accessorObservation struct {
	Hook     string `json:"hook"`
	Accessor string `json:"accessor"`
	Error    string `json:"error"` // the traceback of an accessor that raised

	Of   string `json:"of"`   // _uuid_of: play, task, handler, notified handler
	Name string `json:"name"` // the task, handler or play concerned

	Got         json.RawMessage `json:"got"`
	Ansible     json.RawMessage `json:"ansible"`      // Ansible's own answer
	PublicNames bool            `json:"public_names"` // the TaskResult has task, host, result
	PublicOnly  json.RawMessage `json:"public_only"`  // the answer through those names alone

	Chain     []string `json:"chain"`   // _parent_of: the types up to the play
	Rescued   bool     `json:"rescued"` // _parent_of: the plugin's _rescued
	Path      string   `json:"path"`
	Hosts     []string `json:"hosts"`
	Unchanged bool     `json:"unchanged"` // _format_diff left the diff as it was
	Type      string   `json:"type"`      // _vault_ciphertext: the vaulted value's type
	Plaintext string   `json:"plaintext"` // _vault_ciphertext: what got decrypts to
	Encoded   string   `json:"encoded"`   // _vault_ciphertext: the plugin's encoding
}

// accessorRun is one run of testdata/accessors/accessors.yml with the
// checking callback.
type accessorRun struct {
	dir      string // testdata/accessors
	playbook string
	stdout   string // the default callback's output
	obs      []accessorObservation
	// current is the task or handler started last before each observation.
	current []accessorObservation
}

func (r *accessorRun) of(accessor string) (obs, current []accessorObservation) {
	for i, o := range r.obs {
		if o.Accessor == accessor {
			obs, current = append(obs, o), append(current, r.current[i])
		}
	}
	return obs, current
}

// runAccessorCheck runs ansible-playbook on accessors.yml with the checking
// callback on the plugin path and the embedded plugin for it to check.
func runAccessorCheck(t *testing.T) *accessorRun {
	t.Helper()
	testio.RequireTool(t, "ansible-playbook")
	dir := testdataPath(t, "accessors")
	tmp := t.TempDir()
	plugin := filepath.Join(tmp, callbackName+".py")
	if err := os.WriteFile(plugin, callbackSource, 0o600); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(tmp, "observations.jsonl")
	run := &accessorRun{dir: dir, playbook: filepath.Join(dir, "accessors.yml")}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ansible-playbook", "-i", filepath.Join(dir, "inventory.ini"), "--diff",
		"--vault-password-file", filepath.Join(dir, "vault-password"), "-e", "diff_dir="+tmp, run.playbook)
	cmd.Dir = tmp
	cmd.Env = append(environWithoutAnsible(),
		"ANSIBLE_NOCOLOR=1",
		"ANSIBLE_CALLBACK_PLUGINS="+filepath.Join(dir, "callback_plugins"),
		"TAP_CHECK_PLUGIN="+plugin,
		"TAP_CHECK_OUT="+out,
		"TAP_CHECK_VAULT_PASSWORD=accessor-check", // as in vault-password
	)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("ansible-playbook accessors.yml: %v\n%s\n%s", err, stdout.Bytes(), stderr.Bytes())
	}
	run.stdout = stdout.String()
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var current accessorObservation
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var o accessorObservation
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			t.Fatalf("observation %q: %v", sc.Bytes(), err)
		}
		if o.Error != "" {
			t.Errorf("%s raised in %s:\n%s", o.Accessor, o.Hook, o.Error)
		}
		if o.Accessor == "_uuid_of" && (o.Of == "task" || o.Of == "handler") {
			current = o
		}
		run.obs, run.current = append(run.obs, o), append(run.current, current)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return run
}

// accessorNames are the functions of the plugin's accessor layer.
func accessorNames(t *testing.T) []string {
	t.Helper()
	src := string(callbackSource)
	start := strings.Index(src, "\n# -- accessor layer ")
	end := strings.Index(src, "\n# -- end of the accessor layer ")
	if start < 0 || end < start {
		t.Fatal("the plugin has no marked accessor layer")
	}
	var names []string
	for _, m := range regexp.MustCompile(`(?m)^def (\w+)\(`).FindAllStringSubmatch(src[start:end], -1) {
		names = append(names, m[1])
	}
	return names
}

// unquote is a JSON string's value, or "" for anything else.
func unquote(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// TestCallbackAccessors checks every function of the plugin's accessor
// layer against the real objects the running ansible-core hands to
// callbacks: tap_accessor_check calls each in the hooks of a real run, and
// each answer is compared with what Ansible says by another route (the
// task started last, the playbook's own names and files, CallbackBase's
// methods, the default callback's output, a decryption). A private name
// that a new ansible-core renames makes its accessor raise here; one that
// returns nothing or the wrong thing fails its check; an accessor added
// without a check fails the test.
func TestCallbackAccessors(t *testing.T) {
	run := runAccessorCheck(t)
	names := accessorNames(t)
	if len(names) == 0 {
		t.Fatal("no accessor found in the plugin")
	}
	for _, name := range names {
		check, ok := accessorChecks[name]
		if !ok {
			t.Errorf("the accessor %s has no check in accessorChecks", name)
			continue
		}
		t.Run(name, func(t *testing.T) {
			obs, current := run.of(name)
			if len(obs) == 0 {
				t.Fatalf("the run never called %s", name)
			}
			check(t, run, obs, current)
		})
	}
	t.Run("delegation", func(t *testing.T) { checkDelegation(t, run) })
}

// accessorChecks holds the check of each accessor, given its observations
// and the task or handler started before each.
var accessorChecks = map[string]func(t *testing.T, run *accessorRun, obs, current []accessorObservation){
	"_task_of": func(t *testing.T, run *accessorRun, obs, current []accessorObservation) {
		for i, o := range obs {
			var got struct{ Name, ID string }
			_ = json.Unmarshal(o.Got, &got)
			if got.Name != current[i].Name || got.ID == "" || got.ID != unquote(current[i].Got) {
				t.Errorf("%s: task %q (%s); the task started last is %q (%s)", o.Hook, got.Name, got.ID, current[i].Name, current[i].Got)
			}
			checkPublicOnly(t, o)
		}
	},
	"_host_of": func(t *testing.T, run *accessorRun, obs, current []accessorObservation) {
		for i, o := range obs {
			if unquote(o.Got) != "web1" {
				t.Errorf("%s of %q: host %s, want web1", o.Hook, current[i].Name, o.Got)
			}
			checkPublicOnly(t, o)
		}
	},
	"_result_of": func(t *testing.T, run *accessorRun, obs, current []accessorObservation) {
		msgs := map[string]string{}
		for i, o := range obs {
			var got struct {
				Mapping bool
				Msg     any
			}
			_ = json.Unmarshal(o.Got, &got)
			if !got.Mapping {
				t.Errorf("%s of %q: the result is no mapping", o.Hook, current[i].Name)
			}
			if s, ok := got.Msg.(string); ok && o.Hook == "v2_runner_on_ok" {
				msgs[current[i].Name] = s
			}
			checkPublicOnly(t, o)
		}
		for task, want := range map[string]string{"Say hello": "hello from accessors", "Runs from the included file": "included", "Runs in the outer rescue": "rescued twice"} {
			if msgs[task] != want {
				t.Errorf("the result of %q says %q, want %q", task, msgs[task], want)
			}
		}
	},
	"_uuid_of": func(t *testing.T, run *accessorRun, obs, current []accessorObservation) {
		ids := map[string]string{}   // task or handler name: id
		names := map[string]string{} // id: task or handler name
		var play, notified string
		for _, o := range obs {
			id := unquote(o.Got)
			if id == "" {
				t.Errorf("%s: %s %q has id %s", o.Hook, o.Of, o.Name, o.Got)
				continue
			}
			switch o.Of {
			case "play":
				play = id
			case "notified handler":
				notified = id
			case "task", "handler":
				if prev, ok := ids[o.Name]; ok && prev != id {
					t.Errorf("%s %q started with two ids, %s and %s", o.Of, o.Name, prev, id)
				}
				if other, ok := names[id]; ok && other != o.Name {
					t.Errorf("%q and %q have the same id %s", other, o.Name, id)
				}
				ids[o.Name], names[id] = id, o.Name
			}
		}
		if len(ids) < 15 {
			t.Errorf("ids of %d tasks, want the playbook's tasks: %v", len(ids), ids)
		}
		if play == "" || names[play] != "" {
			t.Errorf("the play's id %q is empty or a task's", play)
		}
		if notified == "" || notified != ids["A handler"] {
			t.Errorf("the notified handler's id %q is not that of the handler run, %q", notified, ids["A handler"])
		}
	},
	"_parent_of": func(t *testing.T, run *accessorRun, obs, current []accessorObservation) {
		rescued := 0
		for _, o := range obs {
			if len(o.Chain) == 0 || o.Chain[0] != "Block" {
				t.Errorf("%q: parents %v, want a Block first", o.Name, o.Chain)
			}
			if want := strings.HasPrefix(o.Name, "Rescued:"); o.Rescued != want {
				t.Errorf("%q: rescued %v, want %v (parents %v)", o.Name, o.Rescued, want, o.Chain)
			}
			if o.Rescued {
				rescued++
			}
		}
		playbook, err := os.ReadFile(run.playbook)
		if err != nil {
			t.Fatal(err)
		}
		imported, err := os.ReadFile(filepath.Join(run.dir, "imported.yml"))
		if err != nil {
			t.Fatal(err)
		}
		if want := strings.Count(string(playbook)+string(imported), `name: "Rescued:`); rescued != want || want == 0 {
			t.Errorf("%d tasks found rescued, want the %d the playbook has", rescued, want)
		}
	},
	"_playbook_file": func(t *testing.T, run *accessorRun, obs, current []accessorObservation) {
		if len(obs) != 1 || unquote(obs[0].Got) != run.playbook {
			t.Errorf("playbook files %+v, want one, %s", obs, run.playbook)
		}
	},
	"_included_file_parts": func(t *testing.T, run *accessorRun, obs, current []accessorObservation) {
		want := filepath.Join(run.dir, "included.yml")
		if len(obs) != 1 || obs[0].Path != want || !slices.Equal(obs[0].Hosts, []string{"web1"}) || obs[0].Name != "Include some tasks" {
			t.Errorf("included files %+v, want one: %s for web1 by %q", obs, want, "Include some tasks")
		}
	},
	"_item_label": func(t *testing.T, run *accessorRun, obs, current []accessorObservation) {
		labels := map[string][]string{}
		for _, o := range obs {
			if !bytes.Equal(o.Got, o.Ansible) {
				t.Errorf("%q: label %s; Ansible's is %s", o.Name, o.Got, o.Ansible)
			}
			labels[o.Name] = append(labels[o.Name], string(o.Got))
		}
		for task, want := range map[string][]string{
			"Plain loop":            {`"x"`, `"y"`},
			"Loop with labels":      {`"label-a"`, `"label-b"`},
			"Write files in a loop": {`"one"`, `"two"`},
		} {
			if !slices.Equal(labels[task], want) {
				t.Errorf("%q: labels %v, want %v", task, labels[task], want)
			}
		}
		if got := labels["Loop with no_log"]; len(got) != 2 || strings.Contains(strings.Join(got, ""), `"p"`) {
			t.Errorf("the no_log loop's labels %v: want two, without its items", got)
		}
	},
	"_format_diff": func(t *testing.T, run *accessorRun, obs, current []accessorObservation) {
		if len(obs) != 4 {
			t.Errorf("%d diffs, want the playbook's 4", len(obs))
		}
		for _, o := range obs {
			got := unquote(o.Got)
			if got == "" || !bytes.Equal(o.Got, o.Ansible) {
				t.Errorf("%q: diff\n%s\nAnsible's:\n%s", o.Name, o.Got, o.Ansible)
			}
			if !o.Unchanged {
				t.Errorf("%q: the diff was changed", o.Name)
			}
			if !strings.Contains(run.stdout, got) {
				t.Errorf("%q: the diff\n%s\nis not in what ansible-playbook printed:\n%s", o.Name, got, run.stdout)
			}
		}
	},
	"_vault_ciphertext": func(t *testing.T, run *accessorRun, obs, current []accessorObservation) {
		const plaintext = "the vaulted plaintext"
		if len(obs) != 1 {
			t.Fatalf("%d vaulted values, want the playbook's one", len(obs))
		}
		o := obs[0]
		got := unquote(o.Got)
		if !strings.HasPrefix(got, "$ANSIBLE_VAULT;") || o.Plaintext != plaintext {
			t.Errorf("ciphertext %q of %s decrypts to %q, want a vault of %q", got, o.Type, o.Plaintext, plaintext)
		}
		if quoted, _ := json.Marshal(got); strings.Contains(o.Encoded, plaintext) || !strings.Contains(o.Encoded, string(quoted)) {
			t.Errorf("encoded as %s: want the ciphertext and never the plaintext", o.Encoded)
		}
	},
}

// checkPublicOnly: on the versions whose TaskResult has public names, the
// accessor reads them and nothing else.
func checkPublicOnly(t *testing.T, o accessorObservation) {
	t.Helper()
	if o.PublicNames && !bytes.Equal(o.PublicOnly, o.Got) {
		t.Errorf("%s in %s: %s through the public names alone, %s otherwise", o.Accessor, o.Hook, o.PublicOnly, o.Got)
	}
}

// checkDelegation: the plugin's delegation of each result is what the
// default callback printed for it.
func checkDelegation(t *testing.T, run *accessorRun) {
	delegated := 0
	for _, o := range run.obs {
		if o.Accessor != "delegation" {
			continue
		}
		var got struct {
			To   string `json:"delegated_to"`
			Host string `json:"delegated_host"`
		}
		_ = json.Unmarshal(o.Got, &got)
		if o.Name != "Delegated to web2" {
			if got.To != "" {
				t.Errorf("%q delegated to %q", o.Name, got.To)
			}
			continue
		}
		delegated++
		label := "[web1 -> " + got.To
		if got.Host != "" {
			label += "(" + got.Host + ")"
		}
		if got.To != "web2" || !strings.Contains(run.stdout, label+"]") {
			t.Errorf("delegation %s: ansible-playbook printed no %s]", o.Got, label)
		}
	}
	if delegated != 1 {
		t.Errorf("%d delegated results, want 1", delegated)
	}
}
