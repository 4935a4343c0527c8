package auth_test

import (
	"strings"
	"testing"

	"github.com/a-h/templ"
	"golang.org/x/net/html"

	"github.com/securemailbox/securemailbox/views/auth"
	"github.com/securemailbox/securemailbox/views/components"
	"github.com/securemailbox/securemailbox/views/internal/viewtest"
	"github.com/securemailbox/securemailbox/views/layout"
)

// hostileForm keeps hostile values, fails fields and the form, as a handler would after a
// bad submission.
func hostileForm(fields ...string) components.Form {
	f := components.Form{Values: map[string]string{}, Errors: map[string]string{}, Error: "Form " + viewtest.Hostile}
	for _, name := range fields {
		f.Values[name] = viewtest.Hostile
		f.Errors[name] = "Field " + viewtest.Hostile
	}
	return f
}

type page struct {
	name   string
	render func(layout.Page) templ.Component
	check  func(t *testing.T, d *viewtest.Doc, lang string)
}

func fieldAttr(t *testing.T, form *html.Node, name, attr, want string) {
	t.Helper()
	f := viewtest.Field(form, name)
	if f == nil {
		t.Errorf("form %s has no field %q", viewtest.Attr(form, "action"), name)
		return
	}
	if got := viewtest.Attr(f, attr); got != want {
		t.Errorf("field %q: %s = %q, want %q", name, attr, got, want)
	}
}

func TestPages(t *testing.T) {
	pages := []page{
		{"signup", func(p layout.Page) templ.Component { return auth.Signup(p, hostileForm("name", "email", "mobile")) }, func(t *testing.T, d *viewtest.Doc, lang string) {
			d.Escaped()
			f := d.One("signup-form")
			if viewtest.Attr(f, "action") != "/signup" {
				t.Error("signup posts elsewhere")
			}
			fieldAttr(t, f, "name", "autocomplete", "name")
			fieldAttr(t, f, "email", "type", "email")
			fieldAttr(t, f, "email", "autocomplete", "email")
			fieldAttr(t, f, "mobile", "type", "tel")
			fieldAttr(t, f, "mobile", "autocomplete", "tel")
			fieldAttr(t, f, "password", "type", "password")
			fieldAttr(t, f, "password", "autocomplete", "new-password")
			fieldAttr(t, f, "password", "value", "")
			fieldAttr(t, f, "email", "value", viewtest.Hostile)
			fieldAttr(t, f, "email", "aria-invalid", "true")
			if viewtest.HasAttr(viewtest.Field(f, "password"), "onpaste") || viewtest.HasAttr(viewtest.Field(f, "password"), "maxlength") {
				t.Error("password field limits paste or length")
			}
			d.Contains("+46 70 123 45 67")
		}},
		{"recovery codes", func(p layout.Page) templ.Component {
			return auth.RecoveryCodes(p, auth.RecoveryCodesProps{Codes: []string{"12-abcd", "13-" + viewtest.Hostile}, Next: "/account/security"})
		}, func(t *testing.T, d *viewtest.Doc, lang string) {
			d.Escaped()
			codes := d.TestID("recovery-code")
			if len(codes) != 2 || viewtest.Text(codes[0]) != "12-abcd" || codes[0].Data != "code" {
				t.Errorf("codes = %d", len(codes))
			}
			if got := viewtest.Attr(d.One("codes-saved"), "href"); got != "/account/security" {
				t.Errorf("codes-saved -> %q", got)
			}
			if d.First(func(n *html.Node) bool { return viewtest.HasAttr(n, "data-print") && n.Data == "button" }) == nil {
				t.Error("no print button")
			}
		}},
		{"recovery codes, foreign next", func(p layout.Page) templ.Component {
			return auth.RecoveryCodes(p, auth.RecoveryCodesProps{Codes: []string{"1-a"}, Next: "//evil.example/x"})
		}, func(t *testing.T, d *viewtest.Doc, lang string) {
			if got := viewtest.Attr(d.One("codes-saved"), "href"); got != "/account" {
				t.Errorf("codes-saved -> %q, want a local fallback", got)
			}
		}},
		{"verify, nothing verified", func(p layout.Page) templ.Component {
			return auth.Verify(p, auth.VerifyProps{Email: viewtest.Hostile, MobileMasked: "+46 70 *** ** 67", Form: hostileForm("code")})
		}, func(t *testing.T, d *viewtest.Doc, lang string) {
			d.Escaped()
			f := d.One("mobile-code-form")
			if viewtest.Attr(f, "action") != "/verify/mobile" {
				t.Error("mobile code form posts elsewhere")
			}
			fieldAttr(t, f, "code", "inputmode", "numeric")
			fieldAttr(t, f, "code", "autocomplete", "one-time-code")
			fieldAttr(t, f, "code", "value", "")
			d.Form("/verify/resend-email")
			d.Form("/verify/resend-sms")
			d.None("verify-continue")
			d.Contains(viewtest.T(t, lang, "common.not_verified"))
		}},
		{"verify, all verified", func(p layout.Page) templ.Component {
			return auth.Verify(p, auth.VerifyProps{Email: "a@example.se", EmailVerified: true, MobileMasked: "+46 70 *** ** 67", MobileVerified: true})
		}, func(t *testing.T, d *viewtest.Doc, lang string) {
			d.None("mobile-code-form")
			if viewtest.Attr(d.One("verify-continue"), "href") != "/account" {
				t.Error("no link to /account")
			}
			if strings.Contains(d.HTML, "/verify/resend") {
				t.Error("resend offered when verified")
			}
		}},
		{"confirm email", func(p layout.Page) templ.Component { return auth.ConfirmEmail(p, "tok-"+viewtest.Hostile) }, func(t *testing.T, d *viewtest.Doc, lang string) {
			d.Escaped()
			b := d.One("confirm-email")
			if b.Data != "button" {
				t.Errorf("confirm-email is <%s>", b.Data)
			}
			f := d.Form("/verify/email")
			fieldAttr(t, f, "token", "value", "tok-"+viewtest.Hostile)
			fieldAttr(t, f, "token", "type", "hidden")
		}},
		{"login", func(p layout.Page) templ.Component { return auth.Login(p, hostileForm("email")) }, func(t *testing.T, d *viewtest.Doc, lang string) {
			d.Escaped()
			f := d.Form("/login")
			fieldAttr(t, f, "email", "type", "email")
			fieldAttr(t, f, "password", "autocomplete", "current-password")
			for _, href := range []string{"/password-reset", "/signup"} {
				if !strings.Contains(d.HTML, `href="`+href+`"`) {
					t.Errorf("no link to %s", href)
				}
			}
		}},
		{"mfa, totp and backup phone", func(p layout.Page) templ.Component {
			return auth.MFA(p, auth.MFAProps{HasTOTP: true, HasBackupPhone: true, BackupPhoneMasked: "+46 ** " + viewtest.Hostile, Form: hostileForm("recovery_code")})
		}, func(t *testing.T, d *viewtest.Doc, lang string) {
			d.Escaped()
			f := d.One("totp-form")
			if viewtest.Attr(f, "action") != "/login/mfa" {
				t.Error("totp form posts elsewhere")
			}
			fieldAttr(t, f, "code", "inputmode", "numeric")
			r := d.One("recovery-form")
			if viewtest.Attr(r, "action") != "/login/mfa" {
				t.Error("recovery form posts elsewhere")
			}
			fieldAttr(t, r, "recovery_code", "value", "")
			if r.Parent == nil || r.Parent.Parent == nil || r.Parent.Parent.Data != "details" || !viewtest.HasAttr(r.Parent.Parent, "open") {
				t.Error("recovery form is not in a <details> opened by its error")
			}
			d.Form("/login/mfa/sms")
		}},
		{"mfa, sms only", func(p layout.Page) templ.Component {
			return auth.MFA(p, auth.MFAProps{HasBackupPhone: true, BackupPhoneMasked: "+46 ** 67", SMSSent: true})
		}, func(t *testing.T, d *viewtest.Doc, lang string) {
			d.One("totp-form")
			d.Contains(viewtest.T(t, lang, "mfa.code_sms"))
		}},
		{"mfa, totp only", func(p layout.Page) templ.Component {
			return auth.MFA(p, auth.MFAProps{HasTOTP: true})
		}, func(t *testing.T, d *viewtest.Doc, lang string) {
			if strings.Contains(d.HTML, "/login/mfa/sms") {
				t.Error("SMS offered without a backup phone")
			}
		}},
		{"reset request", func(p layout.Page) templ.Component { return auth.ResetRequest(p, hostileForm("email")) }, func(t *testing.T, d *viewtest.Doc, lang string) {
			d.Escaped()
			fieldAttr(t, d.Form("/password-reset"), "email", "autocomplete", "email")
		}},
		{"reset sent", func(p layout.Page) templ.Component { return auth.ResetSent(p) }, func(t *testing.T, d *viewtest.Doc, lang string) {
			d.Contains(viewtest.T(t, lang, "reset_sent.body"))
		}},
		{"reset with totp", func(p layout.Page) templ.Component {
			return auth.Reset(p, auth.ResetProps{Token: "a/b?" + viewtest.Hostile, TOTPEnabled: true, HasPhone: true, Form: hostileForm("accept_key_loss")})
		}, func(t *testing.T, d *viewtest.Doc, lang string) {
			f := d.One("reset-form")
			action := viewtest.Attr(f, "action")
			if !strings.HasPrefix(action, "/password-reset/a%2Fb%3F") || strings.ContainsAny(action, " <>\"") {
				t.Errorf("reset action not escaped: %q", action)
			}
			fieldAttr(t, f, "new_password", "autocomplete", "new-password")
			fieldAttr(t, f, "code", "autocomplete", "one-time-code")
			fieldAttr(t, f, "recovery_code", "value", "")
			fieldAttr(t, f, "accept_key_loss", "value", "1")
			fieldAttr(t, f, "accept_key_loss", "type", "checkbox")
			if d.First(func(n *html.Node) bool {
				return n.Data == "form" && strings.HasSuffix(viewtest.Attr(n, "action"), "/code")
			}) != nil {
				t.Error("SMS code offered although TOTP is enrolled")
			}
			// The warning comes before the box that accepts it.
			warn := strings.Index(d.HTML, viewtest.HTMLText(viewtest.T(t, lang, "reset.warning_keys")))
			box := strings.Index(d.HTML, `name="accept_key_loss"`)
			if warn < 0 || box < 0 || warn > box {
				t.Errorf("key-loss warning at %d, checkbox at %d", warn, box)
			}
			if !strings.Contains(viewtest.Attr(viewtest.Field(f, "accept_key_loss"), "aria-describedby"), "key-loss-warning") {
				t.Error("checkbox is not described by the warning")
			}
		}},
		{"reset with sms", func(p layout.Page) templ.Component {
			return auth.Reset(p, auth.ResetProps{Token: "tok", HasPhone: true, SMSSent: true})
		}, func(t *testing.T, d *viewtest.Doc, lang string) {
			d.Form("/password-reset/tok/code")
			fieldAttr(t, d.One("reset-form"), "code", "inputmode", "numeric")
			d.Contains(viewtest.T(t, lang, "reset.sms_sent"))
		}},
		{"reset without second factor", func(p layout.Page) templ.Component {
			return auth.Reset(p, auth.ResetProps{Token: "tok"})
		}, func(t *testing.T, d *viewtest.Doc, lang string) {
			if viewtest.Field(d.One("reset-form"), "code") != nil {
				t.Error("code field without TOTP or phone")
			}
		}},
	}
	for _, lang := range viewtest.Langs {
		for _, pg := range pages {
			t.Run(lang+"/"+pg.name, func(t *testing.T) {
				for _, p := range []layout.Page{viewtest.Page(lang), viewtest.LoggedOut(lang)} {
					d := viewtest.Check(t, lang, pg.render(p))
					pg.check(t, d, lang)
				}
			})
		}
	}
}
