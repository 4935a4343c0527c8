package dev

import (
	"reflect"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/securemailbox/securemailbox/views/internal/viewtest"
)

func TestOutbox(t *testing.T) {
	items := []OutboxItem{
		{Channel: "email", To: "anna@example.se", Subject: "Confirm " + viewtest.Hostile, Created: "2026-12-01 08:05 UTC",
			Body: "Hi,\n\nopen https://mail.example.test/verify/email?token=abc&x=1.\n<b>not bold</b> javascript:alert(1)\n"},
		{Channel: "sms", To: "+46701234567", Body: "Your code is 123456", Created: "2026-12-01 08:04 UTC"},
	}
	for _, lang := range viewtest.Langs {
		t.Run(lang, func(t *testing.T) {
			d := viewtest.Check(t, lang, Outbox(viewtest.Page(lang), OutboxProps{To: viewtest.Hostile, Items: items}))
			d.Escaped()
			if got := len(d.TestID("outbox-item")); got != 2 {
				t.Fatalf("items = %d", got)
			}
			bodies := d.TestID("outbox-body")
			if bodies[0].Data != "pre" {
				t.Errorf("body is <%s>, want <pre>", bodies[0].Data)
			}
			if got := viewtest.Text(bodies[0]); got != items[0].Body {
				t.Errorf("body text = %q, want it verbatim", got)
			}
			var links []string
			viewtest.Walk(bodies[0], func(n *html.Node) {
				if n.Data == "a" {
					links = append(links, viewtest.Attr(n, "href"))
				}
			})
			if !reflect.DeepEqual(links, []string{"https://mail.example.test/verify/email?token=abc&x=1"}) {
				t.Errorf("links = %q", links)
			}
			if strings.Contains(d.HTML, "<b>") {
				t.Error("body markup not escaped")
			}
			filter := d.One("outbox-filter")
			if viewtest.Attr(filter, "method") != "get" || viewtest.Attr(viewtest.Field(filter, "to"), "value") != viewtest.Hostile {
				t.Error("filter is not a GET form keeping `to`")
			}
			d.Contains(viewtest.T(t, lang, "outbox.channel_sms"))
		})
	}
}

func TestOutboxEmpty(t *testing.T) {
	for _, to := range []string{"", "nobody@example.se"} {
		d := viewtest.Check(t, "sv", Outbox(viewtest.Page("sv"), OutboxProps{To: to}))
		d.None("outbox-item")
	}
}

func TestSegments(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []segment
	}{
		{"", nil},
		{"plain", []segment{{Text: "plain"}}},
		{"see https://a.test/x.", []segment{{Text: "see "}, {Text: "https://a.test/x", URL: true}, {Text: "."}}},
		{"(http://a.test/wiki/A_(b))", []segment{{Text: "("}, {Text: "http://a.test/wiki/A_(b)", URL: true}, {Text: ")"}}},
		{"<https://a.test/#k=v>", []segment{{Text: "<"}, {Text: "https://a.test/#k=v", URL: true}, {Text: ">"}}},
		{"javascript:alert(1) ftp://x", []segment{{Text: "javascript:alert(1) ftp://x"}}},
		{"http://a.test\nhttps://b.test", []segment{{Text: "http://a.test", URL: true}, {Text: "\n"}, {Text: "https://b.test", URL: true}}},
	} {
		if got := segments(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("segments(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}
