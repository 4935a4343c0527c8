package home_test

import (
	"testing"

	"golang.org/x/net/html"

	"github.com/securemailbox/securemailbox/views/home"
	"github.com/securemailbox/securemailbox/views/internal/viewtest"
)

func TestLanding(t *testing.T) {
	for _, lang := range viewtest.Langs {
		t.Run(lang, func(t *testing.T) {
			p := viewtest.LoggedOut(lang)
			p.Flash = viewtest.Hostile
			d := viewtest.Check(t, lang, home.Landing(p))
			d.Escaped()
			for id, href := range map[string]string{"home-signup": "/signup", "home-login": "/login"} {
				if got := viewtest.Attr(d.One(id), "href"); got != href {
					t.Errorf("%s links to %q, want %q", id, got, href)
				}
			}
			d.Contains(viewtest.T(t, lang, "home.signup"))
			if d.First(func(n *html.Node) bool { return n.Data == "h1" }) == nil {
				t.Error("no h1")
			}
		})
	}
}
