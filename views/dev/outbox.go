package dev

import (
	"regexp"
	"strings"
)

// OutboxProps is the filter and the captured messages, newest first.
type OutboxProps struct {
	To    string
	Items []OutboxItem
}

// OutboxItem is one captured e-mail or SMS. Channel is "email" or "sms".
type OutboxItem struct {
	Channel string
	To      string
	Subject string
	Body    string
	Created string
}

// segment is a run of body text; URL marks an http(s) address to render as a link.
type segment struct {
	Text string
	URL  bool
}

var urlPattern = regexp.MustCompile(`https?://[^\s<>"'` + "`" + `]+`)

// segments splits body into text and http(s) URLs. Trailing punctuation stays text, so
// "see https://x.test/a." links to https://x.test/a.
func segments(body string) []segment {
	var out []segment
	last := 0
	for _, m := range urlPattern.FindAllStringIndex(body, -1) {
		start, end := m[0], m[1]
		u := strings.TrimRight(body[start:end], ".,;:!?)]}")
		if strings.Count(u, "(") > strings.Count(u, ")") && end > start+len(u) && body[start+len(u)] == ')' {
			u += ")"
		}
		end = start + len(u)
		if start > last {
			out = append(out, segment{Text: body[last:start]})
		}
		out = append(out, segment{Text: u, URL: true})
		last = end
	}
	if last < len(body) {
		out = append(out, segment{Text: body[last:]})
	}
	return out
}
