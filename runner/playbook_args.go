package runner

import (
	"path/filepath"
	"strings"
)

// playbookValueOptions are ansible-playbook's options that take a value
// (ansible-core 2.14, `ansible-playbook --help`): the argument after one of
// them is its value, not a playbook.
var playbookValueOptions = map[string]bool{
	"-M": true, "-e": true, "-f": true, "-i": true, "-l": true, "-t": true, "-T": true, "-c": true, "-u": true,
	"--module-path": true, "--extra-vars": true, "--forks": true, "--inventory": true, "--inventory-file": true,
	"--limit": true, "--tags": true, "--skip-tags": true, "--start-at-task": true, "--timeout": true,
	"--connection": true, "--user": true, "--private-key": true, "--key-file": true,
	"--become-method": true, "--become-user": true, "--become-password-file": true, "--become-pass-file": true,
	"--connection-password-file": true, "--conn-pass-file": true, "--vault-id": true,
	"--vault-password-file": true, "--vault-pass-file": true, "--scp-extra-args": true,
	"--sftp-extra-args": true, "--ssh-common-args": true, "--ssh-extra-args": true,
}

// namedPlaybook is the playbook named in ansible-playbook's arguments, as
// Ansible would report it (an absolute path), or nil when there is none. A
// run's Summary carries it when Ansible stops before it reports the playbook
// itself (a syntax error, a bad option, an ansible-playbook that does not
// start), so that no output files such a run under an unknown playbook.
func namedPlaybook(args []string) *Playbook {
	path := playbookArg(args)
	if path == "" {
		return nil
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	return &Playbook{Path: path}
}

// playbookArg is the first playbook named in ansible-playbook's arguments,
// or "" when there is none.
func playbookArg(args []string) string {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "--":
			if i+1 < len(args) {
				return args[i+1]
			}
			return ""
		case strings.HasPrefix(arg, "--"):
			if !strings.Contains(arg, "=") && playbookValueOptions[arg] {
				i++
			}
		case strings.HasPrefix(arg, "-") && len(arg) > 1:
			// A cluster of short options: only its last letter may take the
			// next argument; an earlier one takes the rest of the cluster.
			for j := 1; j < len(arg); j++ {
				if playbookValueOptions["-"+arg[j:j+1]] {
					if j == len(arg)-1 {
						i++
					}
					break
				}
			}
		default:
			return arg
		}
	}
	return ""
}
