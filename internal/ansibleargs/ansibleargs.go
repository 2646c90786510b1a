// Package ansibleargs reads what ansible-tap needs to know from
// ansible-playbook's own argument list: the playbooks, and the options that
// describe a run (inventories, --limit, --tags, --skip-tags, --check). It
// only reads; the arguments still go to ansible-playbook verbatim.
package ansibleargs

import (
	"slices"
	"strings"
)

// valueOptions are ansible-playbook's options that take a value
// (ansible-core 2.14, `ansible-playbook --help`): the argument after one of
// them is its value, not a playbook.
var valueOptions = map[string]bool{
	"-M": true, "-e": true, "-f": true, "-i": true, "-l": true, "-t": true, "-T": true, "-c": true, "-u": true,
	"--module-path": true, "--extra-vars": true, "--forks": true, "--inventory": true, "--inventory-file": true,
	"--limit": true, "--tags": true, "--skip-tags": true, "--start-at-task": true, "--timeout": true,
	"--connection": true, "--user": true, "--private-key": true, "--key-file": true,
	"--become-method": true, "--become-user": true, "--become-password-file": true, "--become-pass-file": true,
	"--connection-password-file": true, "--conn-pass-file": true, "--vault-id": true,
	"--vault-password-file": true, "--vault-pass-file": true, "--scp-extra-args": true,
	"--sftp-extra-args": true, "--ssh-common-args": true, "--ssh-extra-args": true,
}

// canonical names the long form of the options Args keeps, by every
// spelling ansible-playbook accepts.
var canonical = map[string]string{
	"-i": "--inventory", "--inventory": "--inventory", "--inventory-file": "--inventory",
	"-l": "--limit", "--limit": "--limit",
	"-t": "--tags", "--tags": "--tags",
	"--skip-tags": "--skip-tags", "-C": "--check", "--check": "--check",
}

// Args is what an ansible-playbook argument list says about the run.
type Args struct {
	// Playbooks are the playbooks named, as given, in order.
	Playbooks []string
	// Inventories are the -i/--inventory values, as given (a path, or a
	// host list such as "web1,web2,"), in order.
	Inventories []string
	// Limit is the --limit pattern; the last one given wins, as in
	// ansible-playbook.
	Limit string
	// Tags and SkipTags are the --tags and --skip-tags values, each
	// comma-separated list split into its tags, in order.
	Tags, SkipTags []string
	// Check is true with -C/--check.
	Check bool
}

// Parse reads ansible-playbook's arguments: options in long or short form,
// "--opt=value", values joined to a short option ("-iinv.yml") and
// clusters of short flags ("-vC"); everything after "--" is a playbook.
func Parse(args []string) Args {
	var a Args
	for i := 0; i < len(args); i++ {
		arg := args[i]
		switch {
		case arg == "--":
			a.Playbooks = append(a.Playbooks, args[i+1:]...)
			return a
		case strings.HasPrefix(arg, "--"):
			name, value, joined := strings.Cut(arg, "=")
			if !joined && valueOptions[name] {
				if i+1 >= len(args) {
					return a
				}
				i++
				value = args[i]
			}
			a.set(name, value)
		case strings.HasPrefix(arg, "-") && len(arg) > 1:
			// A cluster of short options: only its last letter may take the
			// next argument; an earlier one takes the rest of the cluster.
			for j := 1; j < len(arg); j++ {
				name := "-" + arg[j:j+1]
				if !valueOptions[name] {
					a.set(name, "")
					continue
				}
				value := arg[j+1:]
				if value == "" {
					if i+1 >= len(args) {
						return a
					}
					i++
					value = args[i]
				}
				a.set(name, value)
				break
			}
		default:
			a.Playbooks = append(a.Playbooks, arg)
		}
	}
	return a
}

// set records an option that describes the run; others are ignored.
func (a *Args) set(option, value string) {
	switch canonical[option] {
	case "--inventory":
		a.Inventories = append(a.Inventories, value)
	case "--limit":
		a.Limit = value
	case "--tags":
		a.Tags = appendList(a.Tags, value)
	case "--skip-tags":
		a.SkipTags = appendList(a.SkipTags, value)
	case "--check":
		a.Check = true
	}
}

// appendList appends the elements of a comma-separated list that it does
// not hold yet, trimmed, as Ansible reads --tags into a set.
func appendList(list []string, value string) []string {
	for _, v := range strings.Split(value, ",") {
		if v = strings.TrimSpace(v); v != "" && !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}
