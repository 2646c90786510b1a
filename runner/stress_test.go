package runner

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/testio"
)

// TestManyItemsAtOnce runs a loop on many hosts with as many forks, so that
// many item results, each larger than an atomic pipe write, finish at once:
// every item event arrives whole and decodes.
func TestManyItemsAtOnce(t *testing.T) {
	testio.RequireTool(t, "ansible-playbook")
	const hosts, items = 20, 40
	dir := t.TempDir()
	var inventory bytes.Buffer
	inventory.WriteString("[many]\n")
	for i := 1; i <= hosts; i++ {
		fmt.Fprintf(&inventory, "h%d ansible_host=127.0.0.1\n", i)
	}
	inventory.WriteString("[many:vars]\nansible_connection=local\nansible_python_interpreter=\"{{ ansible_playbook_python }}\"\n")
	playbook := fmt.Sprintf(`- hosts: many
  gather_facts: false
  tasks:
    - name: Many items at once
      ansible.builtin.debug:
        msg: "{{ item }} {{ 'x' * 8192 }}"
      loop: "{{ range(%d) | list }}"
`, items)
	for name, content := range map[string]string{"inventory.ini": inventory.String(), "many.yml": playbook} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	rec := &recorder{}
	var text bytes.Buffer
	s, err := Run(context.Background(), Options{
		Command: "ansible-playbook",
		Args:    []string{"-f", fmt.Sprint(hosts), "-i", filepath.Join(dir, "inventory.ini"), filepath.Join(dir, "many.yml")},
		Stdout:  &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Text: &text, Handler: rec,
	})
	if err != nil {
		t.Fatal(err)
	}
	if s.ExitCode != 0 || !s.Complete {
		t.Fatalf("exit %d, complete %v", s.ExitCode, s.Complete)
	}
	seen := make(map[string]bool)
	for _, ev := range rec.events {
		if ev.Kind == event.ItemOK {
			seen[ev.Host+"/"+ev.Item] = true
		}
	}
	if len(seen) != hosts*items {
		t.Errorf("%d distinct item events, want %d", len(seen), hosts*items)
	}
	if text.Len() > 0 {
		t.Errorf("lines of the event stream that are not events:\n%.1000s", text.String())
	}
	for h, c := range s.Counts {
		if c.OK != 1 {
			t.Errorf("%s: counts %+v, want ok=1", h, *c)
		}
	}
}
