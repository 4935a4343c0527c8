package layout_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"golang.org/x/net/html"

	"github.com/securemailbox/securemailbox/views/internal/viewtest"
	"github.com/securemailbox/securemailbox/views/layout"
)

// shell renders the shell around a page heading, as every page does.
func shell(p layout.Page) templ.Component {
	child := templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
		_, err := io.WriteString(w, `<h1 data-testid="child">child</h1>`)
		return err
	})
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		return layout.Shell(p).Render(templ.WithChildren(ctx, child), w)
	})
}

func TestShell(t *testing.T) {
	for _, lang := range viewtest.Langs {
		t.Run(lang, func(t *testing.T) {
			t.Run("logged in", func(t *testing.T) {
				d := viewtest.Check(t, lang, shell(viewtest.Page(lang)))
				d.Escaped()
				logout := d.One("logout")
				if logout.Data != "button" {
					t.Errorf("logout is <%s>, want a button", logout.Data)
				}
				d.Form("/logout")
				sw := d.One("lang-switch")
				if viewtest.Attr(sw, "action") != "/lang" || viewtest.Field(sw, "lang") == nil {
					t.Error("language switch is not a POST /lang form with a lang select")
				}
				if next := viewtest.Field(sw, "next"); next == nil || viewtest.Attr(next, "value") != viewtest.Page(lang).Path {
					t.Error("language switch does not carry next = Path")
				}
				d.Contains("Svenska")
				d.Contains("English")
				flash := d.First(func(n *html.Node) bool {
					return viewtest.Attr(n, "role") == "status" && strings.Contains(viewtest.Text(n), "Flash")
				})
				if flash == nil {
					t.Error("flash is not a role=status region")
				}
				if d.First(func(n *html.Node) bool { return n.Data == "a" && viewtest.Attr(n, "href") == "/dev/outbox" }) == nil {
					t.Error("dev banner does not link to the outbox")
				}
				d.Contains(viewtest.T(t, lang, "layout.account"))
			})
			t.Run("logged out", func(t *testing.T) {
				d := viewtest.Check(t, lang, shell(viewtest.LoggedOut(lang)))
				d.None("logout")
				if d.First(func(n *html.Node) bool { return n.Data == "a" && viewtest.Attr(n, "href") == "/signup" }) == nil {
					t.Error("no link to /signup")
				}
				if d.First(func(n *html.Node) bool { return n.Data == "a" && viewtest.Attr(n, "href") == "/dev/outbox" }) != nil {
					t.Error("dev banner shown outside dev mode")
				}
			})
		})
	}
}

func TestShellBranding(t *testing.T) {
	p := viewtest.LoggedOut("sv")
	p.Branding = layout.Branding{
		DisplayName:   "Region " + viewtest.Hostile,
		LogoURL:       "javascript:alert(1)",
		StylesheetURL: "/branding/t1.css",
	}
	d := viewtest.Check(t, "sv", shell(p))
	d.Escaped()
	if strings.Contains(d.HTML, "javascript:") {
		t.Error("logo URL not sanitized")
	}
	links := d.All(func(n *html.Node) bool { return n.Data == "link" && viewtest.Attr(n, "rel") == "stylesheet" })
	if len(links) != 2 || viewtest.Attr(links[1], "href") != "/branding/t1.css" || !strings.HasPrefix(viewtest.Attr(links[0], "href"), "/static/app.css") {
		t.Errorf("stylesheets = %d, want app.css then the tenant's", len(links))
	}
	if strings.Contains(viewtest.Text(d.Root), layout.ProductName) && !strings.Contains(d.HTML, "footer-name") {
		t.Error("product name replaced nowhere")
	}
}

func TestShellWithoutLanguageUsesPrinter(t *testing.T) {
	p := viewtest.LoggedOut("sv")
	p.Lang = ""
	d := viewtest.Parse(t, viewtest.Render(t, "sv", shell(p)))
	d.CheckPage("sv")
}

func TestShellChildren(t *testing.T) {
	d := viewtest.Check(t, "en", shell(viewtest.LoggedOut("en")))
	c := d.One("child")
	if c.Parent == nil || c.Parent.Parent == nil || viewtest.Attr(c.Parent.Parent, "id") != "main" {
		t.Error("children are not rendered inside <main>")
	}
}
