package event

import (
	"slices"
	"strings"
)

// The prefixes of ansible-core's own plugins: a task may name an action (or
// a play a strategy) short, or in full under either of them, as Ansible's
// constants list them (add_internal_fqcns).
const (
	builtinPrefix = "ansible.builtin."
	legacyPrefix  = "ansible.legacy."
)

// BuiltinName is the short name of a plugin of ansible-core, however it is
// spelled: "meta" for meta, ansible.builtin.meta and ansible.legacy.meta.
// Any other name is returned as it is.
func BuiltinName(name string) string {
	if short, ok := strings.CutPrefix(name, builtinPrefix); ok {
		return short
	}
	return strings.TrimPrefix(name, legacyPrefix)
}

// IsAction reports whether action is one of ansible-core's actions named
// short in names, however it is spelled: debug, ansible.builtin.debug or
// ansible.legacy.debug.
func IsAction(action string, names ...string) bool {
	return slices.Contains(names, BuiltinName(action))
}

// IsMetaAction reports whether action is meta (C._ACTION_META), whose
// skipped results Ansible does not count.
func IsMetaAction(action string) bool { return IsAction(action, "meta") }

// IsIncludeAction reports whether action includes tasks or a role as the
// play runs: include, include_tasks or include_role
// (C._ACTION_ALL_INCLUDES). Ansible counts such a task once its file is
// loaded, by the include event, not by its result.
func IsIncludeAction(action string) bool {
	return IsAction(action, "include", "include_tasks", "include_role")
}
