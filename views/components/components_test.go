package components_test

import (
	"strings"
	"testing"

	"github.com/a-h/templ"
	"golang.org/x/net/html"

	"github.com/securemailbox/securemailbox/views/components"
	"github.com/securemailbox/securemailbox/views/internal/viewtest"
)

func TestInputKeepsValuesAndShowsErrors(t *testing.T) {
	f := components.Form{
		Values: map[string]string{"email": viewtest.Hostile, "password": "should-not-appear"},
		Errors: map[string]string{"email": "Bad " + viewtest.Hostile},
	}
	for _, lang := range viewtest.Langs {
		out := viewtest.Render(t, lang, components.Input(f, components.Field{Name: "email", Label: "E-mail", Hint: "hint", Type: "email", Autocomplete: "email", Required: true}))
		out += viewtest.Render(t, lang, components.Input(f, components.Field{Name: "password", Label: "Password", Type: "password", Autocomplete: "new-password", Required: true}))
		out += viewtest.Render(t, lang, components.Errors(f))
		d := viewtest.Parse(t, out)
		d.CheckFragment()
		d.Escaped()
		in := viewtest.Field(d.Root, "email")
		if in == nil {
			t.Fatal("no email input")
		}
		if viewtest.Attr(in, "value") != viewtest.Hostile {
			t.Errorf("value = %q", viewtest.Attr(in, "value"))
		}
		if viewtest.Attr(in, "aria-invalid") != "true" || viewtest.Attr(in, "aria-describedby") != "f-email-hint f-email-error" {
			t.Errorf("aria: invalid=%q describedby=%q", viewtest.Attr(in, "aria-invalid"), viewtest.Attr(in, "aria-describedby"))
		}
		if viewtest.Attr(in, "autocomplete") != "email" || !viewtest.HasAttr(in, "required") {
			t.Error("autocomplete or required missing")
		}
		if strings.Contains(out, "should-not-appear") {
			t.Error("a password value was rendered")
		}
		if d.First(func(n *html.Node) bool { return viewtest.Attr(n, "role") == "alert" }) == nil {
			t.Error("form errors are not announced")
		}
		if !strings.Contains(out, viewtest.T(t, lang, "form.check_fields")) {
			t.Error("field errors without a form error give no summary")
		}
	}
}

func TestCodeInputNeverEchoes(t *testing.T) {
	f := components.Form{Values: map[string]string{"code": "123456"}}
	d := viewtest.Parse(t, viewtest.Render(t, "en", components.CodeInput(f, components.Field{Name: "code", Label: "Code"})))
	d.CheckFragment()
	in := viewtest.Field(d.Root, "code")
	if viewtest.Attr(in, "value") != "" {
		t.Error("code echoed")
	}
	if viewtest.Attr(in, "inputmode") != "numeric" || viewtest.Attr(in, "autocomplete") != "one-time-code" {
		t.Error("code field lacks inputmode or autocomplete")
	}
}

func TestPostFormCarriesCSRF(t *testing.T) {
	out := viewtest.Render(t, "en", components.PostForm("/x", viewtest.CSRF, templ.Attributes{"data-testid": "f"}))
	d := viewtest.Parse(t, out)
	d.CheckCSRF()
	d.One("f")
}

func TestSelectAndCheckbox(t *testing.T) {
	f := components.Form{Values: map[string]string{"accept": "1"}, Errors: map[string]string{"accept": "Tick it"}}
	out := viewtest.Render(t, "sv", components.Select(components.Form{}, components.Field{Name: "locale", Label: "Språk", Value: "sv"},
		[]components.Option{{Value: "en", Label: "English", Lang: "en"}, {Value: "sv", Label: "Svenska", Lang: "sv"}}))
	out += viewtest.Render(t, "sv", components.Checkbox(f, components.Field{Name: "accept", Label: "OK", Attrs: templ.Attributes{"aria-describedby": "w"}}))
	out += `<p id="w">warning</p>`
	d := viewtest.Parse(t, out)
	d.CheckFragment()
	opt := d.First(func(n *html.Node) bool { return n.Data == "option" && viewtest.HasAttr(n, "selected") })
	if opt == nil || viewtest.Attr(opt, "value") != "sv" {
		t.Error("selected option is not sv")
	}
	box := viewtest.Field(d.Root, "accept")
	if !viewtest.HasAttr(box, "checked") || viewtest.Attr(box, "value") != "1" {
		t.Error("checkbox not kept checked with value 1")
	}
	if got := viewtest.Attr(box, "aria-describedby"); got != "w f-accept-error" {
		t.Errorf("checkbox describedby = %q", got)
	}
}

func TestURLs(t *testing.T) {
	for in, want := range map[string]string{
		"data:image/png;base64,iVBORw0KGgo=": "data:image/png;base64,iVBORw0KGgo=",
		"data:text/html;base64,PHNjcmlwdD4=": string(templ.FailedSanitizationURL),
		"data:image/png;base64,<script>":     string(templ.FailedSanitizationURL),
		"javascript:alert(1)":                string(templ.FailedSanitizationURL),
		"/branding/logo.png":                 "/branding/logo.png",
		" DATA:image/svg+xml,<svg onload=x>": string(templ.FailedSanitizationURL),
	} {
		if got := string(components.ImageURL(in)); got != want {
			t.Errorf("ImageURL(%q) = %q, want %q", in, got, want)
		}
	}
	if got := components.Path("/account/sessions/", "a/b?c#d", "/revoke"); got != "/account/sessions/a%2Fb%3Fc%23d/revoke" {
		t.Errorf("Path = %q", got)
	}
}
