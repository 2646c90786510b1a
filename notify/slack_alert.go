package notify

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/ansible-tap/ansible-tap/internal/textcut"
)

// maxAlertHosts is how many hosts an alert names before "and N more".
const maxAlertHosts = 10

// alertGroup is the hosts that failed one task with one message, or that
// were unreachable for one task.
type alertGroup struct {
	first alert
	hosts []string
	// otherMessages is true when hosts of the group had other messages
	// than the first's: unreachable messages name the host or its address.
	otherMessages bool
}

// groupAlerts gathers alerts by task, kind, message and mark (new, or
// failing since a run), in order of arrival. Unreachable hosts are gathered by task alone: their messages
// differ by host ("ssh: connect to host 10.0.0.7 port 22"), and a storm of
// them must still be one list of hosts.
func groupAlerts(batch []alert) []*alertGroup {
	var groups []*alertGroup
	index := make(map[string]*alertGroup)
	for _, a := range batch {
		message := a.message
		if a.unreachable {
			message = ""
		}
		key := fmt.Sprintf("%t\x00%s\x00%s\x00%s\x00%s", a.unreachable, a.taskID, a.task, message, a.mark)
		g, ok := index[key]
		if !ok {
			g = &alertGroup{first: a}
			index[key] = g
			groups = append(groups, g)
		}
		if a.message != g.first.message {
			g.otherMessages = true
		}
		g.hosts = append(g.hosts, a.host)
	}
	return groups
}

// alertMessage is one Slack message for a batch of alerts.
func alertMessage(batch []alert, playbook, dir string) slackMessage {
	groups := groupAlerts(batch)
	hosts := distinctHosts(batch)
	title := fmt.Sprintf("%s: %d host%s failed", orUnknown(playbook), len(hosts), plural(len(hosts)))
	blocks := []slackBlock{header(title)}
	var text []string
	for _, g := range groups {
		a := g.first
		what := "Task failed"
		if a.unreachable {
			what = "Host unreachable"
		}
		if a.mark != "" {
			what += " (" + a.mark + ")"
		}
		var b strings.Builder
		fmt.Fprintf(&b, "*%s:* %s", what, code(orUnknown(a.task)))
		if a.path != "" {
			fmt.Fprintf(&b, " at %s", code(shortPath(a.path, dir)))
		}
		if a.play != "" {
			fmt.Fprintf(&b, " (play %s)", code(a.play))
		}
		fmt.Fprintf(&b, "\n*Host%s (%d):* %s", plural(len(g.hosts)), len(g.hosts), escape(listHosts(g.hosts, maxAlertHosts)))
		if a.message != "" {
			if g.otherMessages {
				fmt.Fprintf(&b, "\n*Message of %s* (the others differ):", escape(a.host))
			}
			b.WriteString("\n" + codeBlock(a.message, 1500))
		}
		blocks = append(blocks, section(b.String()))
		text = append(text, fmt.Sprintf("%s on %s: %s at %s: %s", what, listHosts(g.hosts, maxAlertHosts),
			orUnknown(a.task), shortPath(a.path, dir), textcut.Runes(a.message, 300)))
	}
	blocks = append(blocks, contextBlock("playbook "+code(orUnknown(playbook))))
	return slackMessage{
		Text:   textcut.Runes(escape(title+"\n"+strings.Join(text, "\n")), slackMaxText),
		Blocks: fitBlocks(blocks, "failures"),
	}
}

func distinctHosts(batch []alert) []string {
	seen := make(map[string]bool)
	var hosts []string
	for _, a := range batch {
		if !seen[a.host] {
			seen[a.host] = true
			hosts = append(hosts, a.host)
		}
	}
	return hosts
}

// shortPath shows a task's file:line relative to the playbook's directory
// when it lies below it.
func shortPath(path, dir string) string {
	if dir == "" || !filepath.IsAbs(path) {
		return path
	}
	if rel, err := filepath.Rel(dir, path); err == nil && !strings.HasPrefix(rel, "..") {
		return rel
	}
	return path
}

func orUnknown(s string) string {
	if s == "" {
		return "(unknown)"
	}
	return s
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
