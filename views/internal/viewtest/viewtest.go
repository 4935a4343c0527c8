// Package viewtest renders views in tests with the real catalogs and checks what every page
// must get right: the lang attribute, the CSRF field in every POST form, no inline script or
// style, no external resources, no catalog key left untranslated, labelled controls,
// well-ordered headings and escaped user input.
//
// It is imported only by tests of the views packages.
package viewtest

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"golang.org/x/net/html"

	"github.com/securemailbox/securemailbox/internal/i18n"
	"github.com/securemailbox/securemailbox/views/layout"
)

// CSRF is the token the fixtures put into layout.Page.CSRF.
const CSRF = "csrf-token-Zm9vYmFy"

// Hostile is user-supplied text that must come out escaped wherever it is shown.
const Hostile = `Eve <script>alert(1)</script> "q" 'a' & co`

// HostileEscaped is how Hostile's tag must appear in the output.
const HostileEscaped = `&lt;script&gt;alert(1)&lt;/script&gt;`

// Langs are the languages every page is rendered in.
var Langs = []string{"en", "sv"}

// Page is a full layout.Page for lang with a logged-in user whose name is hostile.
func Page(lang string) layout.Page {
	return layout.Page{
		Title:     "Title " + Hostile,
		Lang:      lang,
		Languages: []string{"en", "sv"},
		Path:      "/somewhere?x=" + Hostile,
		CSRF:      CSRF,
		User:      &layout.User{Name: Hostile, Email: "eve@example.se"},
		Flash:     "Flash " + Hostile,
		Dev:       true,
	}
}

// LoggedOut is Page without a user, flash or dev banner.
func LoggedOut(lang string) layout.Page {
	p := Page(lang)
	p.User, p.Flash, p.Dev = nil, "", false
	return p
}

// Render renders c with a printer for lang and returns the HTML.
func Render(t testing.TB, lang string, c templ.Component) string {
	t.Helper()
	b, err := i18n.New()
	if err != nil {
		t.Fatalf("i18n: %v", err)
	}
	ctx := i18n.WithPrinter(context.Background(), b.Printer(lang))
	var buf bytes.Buffer
	if err := c.Render(ctx, &buf); err != nil {
		t.Fatalf("render: %v", err)
	}
	return buf.String()
}

// Doc is a parsed page.
type Doc struct {
	t    testing.TB
	HTML string
	Root *html.Node
}

// Parse parses a rendered page.
func Parse(t testing.TB, s string) *Doc {
	t.Helper()
	n, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return &Doc{t: t, HTML: s, Root: n}
}

// Check renders c in lang and runs every page check on it. It returns the parsed page
// for further assertions.
func Check(t testing.TB, lang string, c templ.Component) *Doc {
	t.Helper()
	d := Parse(t, Render(t, lang, c))
	d.CheckPage(lang)
	return d
}

// CheckPage runs the checks that apply to every full page.
func (d *Doc) CheckPage(lang string) {
	d.t.Helper()
	if h := d.First(func(n *html.Node) bool { return n.Data == "html" }); h == nil || Attr(h, "lang") != lang {
		d.t.Errorf("<html lang> is not %q", lang)
	}
	if d.First(func(n *html.Node) bool { return n.Data == "title" && strings.TrimSpace(Text(n)) != "" }) == nil {
		d.t.Error("page has no title")
	}
	d.checkLandmarks()
	d.checkFragment()
	d.CheckHeadings()
}

// CheckFragment runs the checks that also apply to a part of a page.
func (d *Doc) CheckFragment() {
	d.t.Helper()
	d.checkFragment()
}

func (d *Doc) checkFragment() {
	d.t.Helper()
	d.checkInline()
	d.checkResources()
	d.CheckCSRF()
	d.CheckNoKeys()
	d.checkControls()
	d.checkIDs()
	if strings.Contains(d.HTML, "<script>alert(1)") || strings.Contains(d.HTML, "<script>alert") {
		d.t.Error("unescaped script tag in output")
	}
}

func (d *Doc) checkLandmarks() {
	d.t.Helper()
	mains := d.All(func(n *html.Node) bool { return n.Data == "main" })
	if len(mains) != 1 || Attr(mains[0], "id") != "main" {
		d.t.Errorf("want exactly one <main id=main>, got %d", len(mains))
	}
	for _, tag := range []string{"header", "nav", "footer"} {
		if d.First(func(n *html.Node) bool { return n.Data == tag }) == nil {
			d.t.Errorf("no <%s> landmark", tag)
		}
	}
	skip := d.First(func(n *html.Node) bool { return n.Data == "a" && Attr(n, "href") == "#main" })
	if skip == nil {
		d.t.Error("no skip link to #main")
	}
}

// checkInline forbids what the CSP would block or what smuggles in script or style.
func (d *Doc) checkInline() {
	d.t.Helper()
	d.Walk(func(n *html.Node) {
		for _, a := range n.Attr {
			k := strings.ToLower(a.Key)
			if k == "style" {
				d.t.Errorf("<%s> has a style attribute", n.Data)
			}
			if strings.HasPrefix(k, "on") {
				d.t.Errorf("<%s> has an event handler attribute %s", n.Data, k)
			}
			if v := strings.ToLower(strings.TrimSpace(a.Val)); strings.HasPrefix(v, "javascript:") {
				d.t.Errorf("<%s %s> is a javascript: URL", n.Data, k)
			}
		}
		switch n.Data {
		case "style":
			d.t.Error("page has a <style> element")
		case "script":
			if Attr(n, "src") == "" || strings.TrimSpace(Text(n)) != "" {
				d.t.Error("page has an inline <script>")
			}
		}
	})
}

// checkResources allows only same-origin and data: resources.
func (d *Doc) checkResources() {
	d.t.Helper()
	d.Walk(func(n *html.Node) {
		var u string
		switch n.Data {
		case "link", "script", "img", "iframe", "source", "video", "audio", "object", "embed":
			u = Attr(n, "src")
			if n.Data == "link" {
				u = Attr(n, "href")
			}
		default:
			return
		}
		if u == "" || strings.HasPrefix(u, "data:") || (strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//")) {
			return
		}
		if u == string(templ.FailedSanitizationURL) {
			return
		}
		d.t.Errorf("<%s> loads an external resource %q", n.Data, u)
	})
}

// CheckCSRF requires the CSRF field in every POST form.
func (d *Doc) CheckCSRF() {
	d.t.Helper()
	for _, f := range d.All(func(n *html.Node) bool { return n.Data == "form" }) {
		if !strings.EqualFold(Attr(f, "method"), "post") {
			continue
		}
		var tokens int
		Walk(f, func(n *html.Node) {
			if n.Data == "input" && Attr(n, "type") == "hidden" && Attr(n, "name") == "_csrf" {
				tokens++
				if Attr(n, "value") != CSRF {
					d.t.Errorf("form %s: _csrf value %q", Attr(f, "action"), Attr(n, "value"))
				}
			}
		})
		if tokens != 1 {
			d.t.Errorf("POST form %s has %d _csrf fields, want 1", Attr(f, "action"), tokens)
		}
	}
}

// keyLike finds text that looks like a message key: word.word with lower-case words.
var keyLike = regexp.MustCompile(`(?:^|[^\w@./-])([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)`)

// CheckNoKeys fails when a catalog key, or something shaped like a key of a catalog's
// group, appears in text or in a human-readable attribute: a missing translation.
func (d *Doc) CheckNoKeys() {
	d.t.Helper()
	keys, groups := catalog(d.t)
	check := func(where, s string) {
		for _, m := range keyLike.FindAllStringSubmatch(s, -1) {
			tok := strings.TrimRight(m[1], ".")
			if keys[tok] {
				d.t.Errorf("catalog key %q shown untranslated (%s)", tok, where)
				continue
			}
			if i := strings.IndexByte(tok, '.'); i > 0 && groups[tok[:i]] {
				d.t.Errorf("untranslated key-like text %q (%s)", tok, where)
			}
		}
	}
	readable := map[string]bool{"alt": true, "title": true, "aria-label": true, "placeholder": true, "data-label": true, "data-copied-label": true, "label": true}
	d.Walk(func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			check("text", n.Data)
		case html.ElementNode:
			for _, a := range n.Attr {
				if readable[a.Key] || (a.Key == "value" && (Attr(n, "type") == "submit" || Attr(n, "type") == "button")) {
					check(n.Data+" "+a.Key, a.Val)
				}
			}
		}
	})
}

// checkControls wants every form control labelled, descriptions that exist, and buttons
// and images that say what they are.
func (d *Doc) checkControls() {
	d.t.Helper()
	ids := map[string]bool{}
	labels := map[string]bool{}
	d.Walk(func(n *html.Node) {
		if id := Attr(n, "id"); id != "" {
			ids[id] = true
		}
		if n.Data == "label" && Attr(n, "for") != "" {
			labels[Attr(n, "for")] = true
		}
	})
	d.Walk(func(n *html.Node) {
		switch n.Data {
		case "input", "select", "textarea":
			typ := Attr(n, "type")
			if n.Data == "input" && (typ == "hidden" || typ == "submit" || typ == "button") {
				return
			}
			id := Attr(n, "id")
			if Attr(n, "aria-label") == "" && Attr(n, "aria-labelledby") == "" && (id == "" || !labels[id]) {
				d.t.Errorf("<%s name=%q> has no label", n.Data, Attr(n, "name"))
			}
			if Attr(n, "aria-invalid") == "true" && Attr(n, "aria-describedby") == "" {
				d.t.Errorf("<%s name=%q> is invalid without a described error", n.Data, Attr(n, "name"))
			}
			if Attr(n, "type") == "password" && Attr(n, "value") != "" {
				d.t.Errorf("password field %q has a value", Attr(n, "name"))
			}
		case "button":
			if strings.TrimSpace(Text(n)) == "" && Attr(n, "aria-label") == "" {
				d.t.Error("button without text")
			}
		case "img":
			if !HasAttr(n, "alt") {
				d.t.Errorf("<img src=%.40q> has no alt", Attr(n, "src"))
			}
		case "a":
			hasImg := false
			Walk(n, func(c *html.Node) { hasImg = hasImg || c.Data == "img" || c.Data == "svg" })
			if strings.TrimSpace(Text(n)) == "" && Attr(n, "aria-label") == "" && !hasImg {
				d.t.Errorf("link %q without text", Attr(n, "href"))
			}
		}
		for _, ref := range strings.Fields(Attr(n, "aria-describedby") + " " + Attr(n, "aria-labelledby") + " " + Attr(n, "for")) {
			if !ids[ref] {
				d.t.Errorf("<%s> refers to missing id %q", n.Data, ref)
			}
		}
	})
}

func (d *Doc) checkIDs() {
	d.t.Helper()
	seen := map[string]bool{}
	d.Walk(func(n *html.Node) {
		if id := Attr(n, "id"); id != "" {
			if seen[id] {
				d.t.Errorf("duplicate id %q", id)
			}
			seen[id] = true
		}
	})
}

// CheckHeadings wants one h1 as the first heading and no level skipped on the way down.
func (d *Doc) CheckHeadings() {
	d.t.Helper()
	var levels []int
	d.Walk(func(n *html.Node) {
		if len(n.Data) == 2 && n.Data[0] == 'h' && n.Data[1] >= '1' && n.Data[1] <= '6' && n.Type == html.ElementNode {
			levels = append(levels, int(n.Data[1]-'0'))
		}
	})
	if len(levels) == 0 || levels[0] != 1 {
		d.t.Errorf("first heading is not h1: %v", levels)
		return
	}
	h1 := 0
	for i, l := range levels {
		if l == 1 {
			h1++
		}
		if i > 0 && l > levels[i-1]+1 {
			d.t.Errorf("heading levels skip from h%d to h%d: %v", levels[i-1], l, levels)
		}
	}
	if h1 != 1 {
		d.t.Errorf("%d h1 headings, want 1", h1)
	}
}

// TestID returns the elements with data-testid=id.
func (d *Doc) TestID(id string) []*html.Node {
	return d.All(func(n *html.Node) bool { return Attr(n, "data-testid") == id })
}

// One returns the single element with data-testid=id, failing otherwise.
func (d *Doc) One(id string) *html.Node {
	d.t.Helper()
	ns := d.TestID(id)
	if len(ns) != 1 {
		d.t.Fatalf("want 1 element with data-testid=%q, got %d", id, len(ns))
	}
	return ns[0]
}

// None fails when an element with data-testid=id exists.
func (d *Doc) None(id string) {
	d.t.Helper()
	if ns := d.TestID(id); len(ns) != 0 {
		d.t.Errorf("want no element with data-testid=%q, got %d", id, len(ns))
	}
}

// Form returns the form whose action is action, failing when there is not exactly one.
func (d *Doc) Form(action string) *html.Node {
	d.t.Helper()
	fs := d.All(func(n *html.Node) bool { return n.Data == "form" && Attr(n, "action") == action })
	if len(fs) != 1 {
		d.t.Fatalf("want 1 form with action %q, got %d", action, len(fs))
	}
	return fs[0]
}

// Field returns the control named name inside n, or nil.
func Field(n *html.Node, name string) *html.Node {
	var found *html.Node
	Walk(n, func(c *html.Node) {
		if found == nil && (c.Data == "input" || c.Data == "select" || c.Data == "textarea") && Attr(c, "name") == name {
			found = c
		}
	})
	return found
}

// Escaped fails unless Hostile was rendered escaped (and not raw) at least once.
func (d *Doc) Escaped() {
	d.t.Helper()
	if !strings.Contains(d.HTML, HostileEscaped) {
		d.t.Error("hostile input not found escaped in the output")
	}
	if strings.Contains(d.HTML, "<script>alert(1)</script>") {
		d.t.Error("hostile input rendered raw")
	}
}

// Contains fails unless the page's text contains s.
func (d *Doc) Contains(s string) {
	d.t.Helper()
	if !strings.Contains(Text(d.Root), s) {
		d.t.Errorf("page text lacks %q", s)
	}
}

// T translates key for assertions.
func T(t testing.TB, lang, key string, data ...map[string]any) string {
	t.Helper()
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	return b.Printer(lang).T(key, data...)
}

// All returns the elements under the root for which match is true.
func (d *Doc) All(match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	Walk(d.Root, func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) {
			out = append(out, n)
		}
	})
	return out
}

// First returns the first element for which match is true, or nil.
func (d *Doc) First(match func(*html.Node) bool) *html.Node {
	if all := d.All(match); len(all) > 0 {
		return all[0]
	}
	return nil
}

// Walk visits every node of the page.
func (d *Doc) Walk(fn func(*html.Node)) { Walk(d.Root, fn) }

// Walk visits n and everything below it, depth first.
func Walk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		Walk(c, fn)
	}
}

// Attr returns n's attribute key, or "".
func Attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// HasAttr reports whether n has the attribute key.
func HasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// Text is the text content of n.
func Text(n *html.Node) string {
	var b strings.Builder
	Walk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return b.String()
}

var keyLine = regexp.MustCompile(`(?m)^\s*(?:"([^"]+)"\s*=|\[\s*"([^"]+)"\s*\])`)

// catalog reads the message ids of every catalog, and the groups they start with.
func catalog(t testing.TB) (keys, groups map[string]bool) {
	t.Helper()
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("viewtest: no caller")
	}
	dir := filepath.Join(filepath.Dir(self), "..", "..", "..", "internal", "i18n", "locales")
	files, err := filepath.Glob(filepath.Join(dir, "*.toml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("viewtest: no catalogs in %s: %v", dir, err)
	}
	keys, groups = map[string]bool{}, map[string]bool{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyLine.FindAllStringSubmatch(string(data), -1) {
			k := m[1] + m[2]
			keys[k] = true
			if i := strings.IndexByte(k, '.'); i > 0 {
				groups[k[:i]] = true
			}
		}
	}
	return keys, groups
}

// HTMLText is s as templ writes it into text or attributes.
func HTMLText(s string) string { return templ.EscapeString(s) }
