package notify

import (
	"fmt"
	"strings"

	"github.com/ansible-tap/ansible-tap/internal/textcut"
)

// Slack's limits on an incoming webhook message
// (https://api.slack.com/reference/block-kit/blocks).
const (
	slackMaxBlocks       = 50
	slackMaxSectionText  = 3000
	slackMaxHeaderText   = 150
	slackMaxFields       = 10
	slackMaxFieldText    = 2000
	slackMaxContextItems = 10
	slackMaxText         = 40000
)

// slackMessage is the JSON body of an incoming webhook post.
type slackMessage struct {
	Text    string       `json:"text"`
	Channel string       `json:"channel,omitempty"`
	Blocks  []slackBlock `json:"blocks,omitempty"`
}

// slackBlock is a header, section, context or divider block.
type slackBlock struct {
	Type     string       `json:"type"`
	Text     *slackText   `json:"text,omitempty"`
	Fields   []*slackText `json:"fields,omitempty"`
	Elements []*slackText `json:"elements,omitempty"`
}

// slackText is a text object: "mrkdwn" or "plain_text".
type slackText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

func header(text string) slackBlock {
	return slackBlock{Type: "header", Text: &slackText{Type: "plain_text", Text: textcut.Runes(text, slackMaxHeaderText)}}
}

func section(mrkdwn string) slackBlock {
	return slackBlock{Type: "section", Text: &slackText{Type: "mrkdwn", Text: textcut.Runes(mrkdwn, slackMaxSectionText)}}
}

func fields(pairs ...string) slackBlock {
	b := slackBlock{Type: "section"}
	for i := 0; i+1 < len(pairs) && len(b.Fields) < slackMaxFields; i += 2 {
		b.Fields = append(b.Fields, &slackText{Type: "mrkdwn", Text: textcut.Runes("*"+pairs[i]+"*\n"+pairs[i+1], slackMaxFieldText)})
	}
	return b
}

func contextBlock(items ...string) slackBlock {
	b := slackBlock{Type: "context"}
	for _, it := range items {
		if it != "" && len(b.Elements) < slackMaxContextItems {
			b.Elements = append(b.Elements, &slackText{Type: "mrkdwn", Text: textcut.Runes(it, slackMaxSectionText)})
		}
	}
	return b
}

// fitBlocks keeps at most Slack's number of blocks: when there are more,
// the last one kept says how many were left out of what.
func fitBlocks(blocks []slackBlock, what string) []slackBlock {
	if len(blocks) <= slackMaxBlocks {
		return blocks
	}
	left := len(blocks) - (slackMaxBlocks - 1)
	out := append([]slackBlock(nil), blocks[:slackMaxBlocks-1]...)
	return append(out, contextBlock(fmt.Sprintf("_…and %d more %s_", left, what)))
}

// escape makes text safe inside mrkdwn: Slack reads &, < and > as markup.
func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// code quotes a short value inline; backquotes inside would end it.
func code(s string) string {
	if s == "" {
		return ""
	}
	return "`" + strings.ReplaceAll(escape(s), "`", "'") + "`"
}

// quoteBlock shows a message as a code block, cut to fit in a section.
func codeBlock(s string, n int) string {
	s = strings.ReplaceAll(escape(s), "```", "'''")
	return "```" + textcut.Runes(s, n) + "```"
}

// listHosts names up to max hosts, then says how many more there are.
func listHosts(hosts []string, max int) string {
	if len(hosts) <= max {
		return strings.Join(hosts, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(hosts[:max], ", "), len(hosts)-max)
}
