package runner

import (
	"path/filepath"

	"github.com/ansible-tap/ansible-tap/event"
	"github.com/ansible-tap/ansible-tap/internal/ansibleargs"
)

// namedPlaybook is the playbook named in ansible-playbook's arguments, as
// Ansible would report it (an absolute path), or nil when there is none. A
// run's event.Summary carries it when Ansible stops before it reports the playbook
// itself (a syntax error, a bad option, an ansible-playbook that does not
// start), so that no output files such a run under an unknown playbook.
func namedPlaybook(args []string) *event.Playbook {
	playbooks := ansibleargs.Parse(args).Playbooks
	if len(playbooks) == 0 {
		return nil
	}
	path := playbooks[0]
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return &event.Playbook{Path: path}
}
