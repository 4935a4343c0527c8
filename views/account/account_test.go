package account_test

import (
	"strings"
	"testing"

	"github.com/a-h/templ"
	"golang.org/x/net/html"

	"github.com/securemailbox/securemailbox/views/account"
	"github.com/securemailbox/securemailbox/views/components"
	"github.com/securemailbox/securemailbox/views/internal/viewtest"
	"github.com/securemailbox/securemailbox/views/layout"
)

func hostileForm(fields ...string) components.Form {
	f := components.Form{Values: map[string]string{}, Errors: map[string]string{}, Error: "Form " + viewtest.Hostile}
	for _, name := range fields {
		f.Values[name] = viewtest.Hostile
		f.Errors[name] = "Field " + viewtest.Hostile
	}
	return f
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

// current is the href of the sub-navigation link marked as the current page.
func current(d *viewtest.Doc) string {
	n := d.First(func(n *html.Node) bool {
		return n.Data == "a" && viewtest.Attr(n, "aria-current") == "page" && strings.HasPrefix(viewtest.Attr(n, "href"), "/account")
	})
	if n == nil {
		return ""
	}
	return viewtest.Attr(n, "href")
}

type page struct {
	name   string
	render func(layout.Page) templ.Component
	check  func(t *testing.T, d *viewtest.Doc, lang string)
}

// qr is a 1×1 PNG.
const qr = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="

func TestPages(t *testing.T) {
	pages := []page{
		{"profile", func(p layout.Page) templ.Component {
			return account.Profile(p, account.ProfileProps{Name: viewtest.Hostile, Email: "eve@example.se", EmailVerified: true, Mobile: "+46701234567", Locale: "sv", Languages: []string{"en", "sv"}})
		}, func(t *testing.T, d *viewtest.Doc, lang string) {
			d.Escaped()
			if current(d) != "/account" {
				t.Errorf("current = %q", current(d))
			}
			f := d.One("locale-form")
			if viewtest.Attr(f, "action") != "/account/locale" {
				t.Error("locale form posts elsewhere")
			}
			sel := viewtest.Field(f, "locale")
			if sel == nil || sel.Data != "select" {
				t.Fatal("no locale select")
			}
			var selected string
			viewtest.Walk(sel, func(n *html.Node) {
				if n.Data == "option" && viewtest.HasAttr(n, "selected") {
					selected = viewtest.Attr(n, "value")
				}
			})
			if selected != "sv" {
				t.Errorf("selected locale = %q", selected)
			}
			d.Contains(viewtest.T(t, lang, "common.verified"))
			d.Contains(viewtest.T(t, lang, "common.not_verified"))
			if !strings.Contains(d.HTML, `href="/verify"`) {
				t.Error("no way to confirm the unconfirmed mobile number")
			}
			if viewtest.Attr(d.One("profile-change-email"), "href") != "/account/email" {
				t.Error("no link to change the e-mail address")
			}
			if viewtest.Attr(d.One("profile-change-mobile"), "href") != "/account/mobile" {
				t.Error("no link to change the mobile number")
			}
		}},
		{"security, totp off", func(p layout.Page) templ.Component {
			return account.Security(p, account.SecurityProps{RecoveryCodesLeft: 1})
		}, func(t *testing.T, d *viewtest.Doc, lang string) {
			if current(d) != "/account/security" {
				t.Errorf("current = %q", current(d))
			}
			b := d.One("totp-start")
			if b.Data != "button" {
				t.Errorf("totp-start is <%s>", b.Data)
			}
			d.Form("/account/totp/start")
			d.Form("/account/recovery-codes")
			if strings.Contains(d.HTML, "/account/totp/disable") {
				t.Error("disable offered while off")
			}
			want := map[string]string{"en": "1 code left", "sv": "1 kod kvar"}[lang]
			if got := strings.TrimSpace(viewtest.Text(d.One("codes-left"))); got != want {
				t.Errorf("codes left = %q, want %q", got, want)
			}
			d.One("lockout-warning")
			d.Contains(viewtest.T(t, lang, "security.phone_none"))
			if !strings.Contains(d.HTML, `href="/account/backup-phone"`) {
				t.Error("no link to the backup phone")
			}
			if viewtest.Attr(d.One("password-change"), "href") != "/account/password" {
				t.Error("no link to change the password")
			}
		}},
		{"security, totp on", func(p layout.Page) templ.Component {
			return account.Security(p, account.SecurityProps{TOTPEnabled: true, RecoveryCodesLeft: 7, BackupPhone: viewtest.Hostile, BackupPhoneVerified: true, LockedKeys: 2,
				RecoverForm: components.Form{Errors: map[string]string{"recovery_code": viewtest.Hostile}}})
		}, func(t *testing.T, d *viewtest.Doc, lang string) {
			d.Escaped()
			d.None("totp-start")
			d.Form("/account/totp/disable")
			want := map[string]string{"en": "7 codes left", "sv": "7 koder kvar"}[lang]
			if got := strings.TrimSpace(viewtest.Text(d.One("codes-left"))); got != want {
				t.Errorf("codes left = %q, want %q", got, want)
			}
		}},
		{"security, no codes", func(p layout.Page) templ.Component {
			return account.Security(p, account.SecurityProps{})
		}, func(t *testing.T, d *viewtest.Doc, lang string) {
			want := map[string]string{"en": "0 codes left", "sv": "0 koder kvar"}[lang]
			if got := strings.TrimSpace(viewtest.Text(d.One("codes-left"))); got != want {
				t.Errorf("codes left = %q, want %q", got, want)
			}
			d.Contains(viewtest.T(t, lang, "security.codes_none"))
		}},
		{"step-up with totp", func(p layout.Page) templ.Component {
			return account.StepUp(p, account.StepUpProps{Next: "/account/totp/disable?x=" + viewtest.Hostile, HasTOTP: true, MobileMasked: "+46 ** 67", Form: hostileForm("code")})
		}, func(t *testing.T, d *viewtest.Doc, lang string) {
			d.Escaped()
			f := d.One("step-up-form")
			if viewtest.Attr(f, "action") != "/account/step-up" {
				t.Error("step-up posts elsewhere")
			}
			fieldAttr(t, f, "next", "value", "/account/totp/disable?x="+viewtest.Hostile)
			fieldAttr(t, f, "code", "value", "")
			fieldAttr(t, f, "code", "inputmode", "numeric")
			fieldAttr(t, d.Form("/account/step-up/sms"), "next", "value", "/account/totp/disable?x="+viewtest.Hostile)
			d.Contains(viewtest.T(t, lang, "stepup.code_app_or_sms"))
		}},
		{"step-up by sms", func(p layout.Page) templ.Component {
			return account.StepUp(p, account.StepUpProps{Next: "/account", MobileMasked: "+46 ** 67"})
		}, func(t *testing.T, d *viewtest.Doc, lang string) {
			sms := strings.Index(d.HTML, `action="/account/step-up/sms"`)
			code := strings.Index(d.HTML, `action="/account/step-up"`)
			if sms < 0 || code < 0 || sms > code {
				t.Error("with SMS only, sending the code should come first")
			}
		}},
		{"totp setup", func(p layout.Page) templ.Component {
			return account.TOTPSetup(p, account.TOTPProps{QRDataURI: qr, Secret: "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", Form: hostileForm("code")})
		}, func(t *testing.T, d *viewtest.Doc, lang string) {
			img := d.First(func(n *html.Node) bool { return n.Data == "img" && strings.HasPrefix(viewtest.Attr(n, "src"), "data:") })
			if img == nil || viewtest.Attr(img, "src") != qr || viewtest.Attr(img, "alt") == "" {
				t.Error("QR code missing, rewritten or without alt text")
			}
			s := d.One("totp-secret")
			if got := viewtest.Text(s); got != "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" {
				t.Errorf("secret text = %q", got)
			}
			if viewtest.Attr(s, "data-secret") != "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" {
				t.Error("secret not in data-secret")
			}
			groups := 0
			viewtest.Walk(s, func(n *html.Node) {
				if n.Data == "span" {
					groups++
				}
			})
			if groups != 8 {
				t.Errorf("secret in %d groups, want 8", groups)
			}
			f := d.One("totp-confirm-form")
			if viewtest.Attr(f, "action") != "/account/totp/confirm" {
				t.Error("confirm posts elsewhere")
			}
			fieldAttr(t, f, "code", "autocomplete", "one-time-code")
		}},
		{"totp setup, bad qr", func(p layout.Page) templ.Component {
			return account.TOTPSetup(p, account.TOTPProps{QRDataURI: "data:text/html;base64,PHNjcmlwdD4=", Secret: "AB"})
		}, func(t *testing.T, d *viewtest.Doc, lang string) {
			if strings.Contains(d.HTML, "data:text/html") {
				t.Error("non-image data URI rendered")
			}
		}},
		{"backup phone, pending", func(p layout.Page) templ.Component {
			return account.BackupPhone(p, account.BackupPhoneProps{Current: viewtest.Hostile, Pending: true, Form: hostileForm("mobile")})
		}, func(t *testing.T, d *viewtest.Doc, lang string) {
			d.Escaped()
			fieldAttr(t, d.Form("/account/backup-phone"), "mobile", "type", "tel")
			fieldAttr(t, d.Form("/account/backup-phone"), "mobile", "value", viewtest.Hostile)
			fieldAttr(t, d.Form("/account/backup-phone/verify"), "code", "inputmode", "numeric")
		}},
		{"backup phone, none", func(p layout.Page) templ.Component {
			return account.BackupPhone(p, account.BackupPhoneProps{})
		}, func(t *testing.T, d *viewtest.Doc, lang string) {
			d.Form("/account/backup-phone")
			if strings.Contains(d.HTML, "/account/backup-phone/verify") {
				t.Error("verify form without a pending number")
			}
		}},
		{"password", func(p layout.Page) templ.Component {
			return account.Password(p, components.Form{})
		}, func(t *testing.T, d *viewtest.Doc, lang string) {
			if current(d) != "/account/security" {
				t.Errorf("current = %q", current(d))
			}
			f := d.One("password-form")
			if viewtest.Attr(f, "action") != "/account/password" {
				t.Error("password form posts elsewhere")
			}
			fieldAttr(t, f, "new_password", "type", "password")
			fieldAttr(t, f, "new_password", "autocomplete", "new-password")
			fieldAttr(t, f, "new_password", "aria-describedby", "f-new-password-hint")
			d.Contains(viewtest.T(t, lang, "password.new_password_hint"))
			d.Contains(viewtest.T(t, lang, "password.sessions_note"))
			if strings.Contains(d.HTML, "field-error") {
				t.Error("an error on a fresh form")
			}
		}},
		{"password, refused", func(p layout.Page) templ.Component {
			f := hostileForm("new_password")
			f.Error, f.Values["new_password"] = "", "should-not-appear"
			return account.Password(p, f)
		}, func(t *testing.T, d *viewtest.Doc, lang string) {
			d.Escaped()
			f := d.Form("/account/password")
			fieldAttr(t, f, "new_password", "value", "")
			fieldAttr(t, f, "new_password", "aria-invalid", "true")
			if strings.Contains(d.HTML, "should-not-appear") {
				t.Error("the password was rendered")
			}
			d.Contains(viewtest.T(t, lang, "form.check_fields"))
		}},
		{"email", func(p layout.Page) templ.Component {
			return account.Email(p, account.EmailProps{Current: viewtest.Hostile, Form: hostileForm("email")})
		}, func(t *testing.T, d *viewtest.Doc, lang string) {
			d.Escaped()
			if current(d) != "/account" {
				t.Errorf("current = %q", current(d))
			}
			if got := viewtest.Text(d.One("email-current")); got != viewtest.Hostile {
				t.Errorf("current address = %q", got)
			}
			f := d.One("email-form")
			if viewtest.Attr(f, "action") != "/account/email" {
				t.Error("e-mail form posts elsewhere")
			}
			fieldAttr(t, f, "email", "type", "email")
			fieldAttr(t, f, "email", "autocomplete", "email")
			fieldAttr(t, f, "email", "value", viewtest.Hostile)
			fieldAttr(t, f, "email", "aria-describedby", "f-email-hint f-email-error")
			d.Contains(viewtest.T(t, lang, "email.intro"))
		}},
		{"mobile", func(p layout.Page) templ.Component {
			return account.Mobile(p, account.MobileProps{Current: "+46701234567", Form: hostileForm("mobile")})
		}, func(t *testing.T, d *viewtest.Doc, lang string) {
			d.Escaped()
			if current(d) != "/account" {
				t.Errorf("current = %q", current(d))
			}
			f := d.One("mobile-form")
			if viewtest.Attr(f, "action") != "/account/mobile" {
				t.Error("mobile form posts elsewhere")
			}
			fieldAttr(t, f, "mobile", "type", "tel")
			fieldAttr(t, f, "mobile", "value", viewtest.Hostile)
			d.None("mobile-verify-form")
			d.Contains(viewtest.T(t, lang, "mobile.sessions_note"))
			d.Contains("+46701234567")
		}},
		{"mobile, code sent", func(p layout.Page) templ.Component {
			return account.Mobile(p, account.MobileProps{Current: "+46701234567", Sent: true, PendingMasked: viewtest.Hostile, Form: hostileForm("code")})
		}, func(t *testing.T, d *viewtest.Doc, lang string) {
			d.Escaped()
			f := d.One("mobile-verify-form")
			if viewtest.Attr(f, "action") != "/account/mobile/verify" {
				t.Error("code form posts elsewhere")
			}
			fieldAttr(t, f, "code", "value", "")
			fieldAttr(t, f, "code", "inputmode", "numeric")
			fieldAttr(t, f, "code", "autocomplete", "one-time-code")
			d.Contains(viewtest.T(t, lang, "mobile.verify_intro", map[string]any{"Phone": viewtest.Hostile}))
			d.Contains(viewtest.T(t, lang, "mobile.other_number"))
			code := strings.Index(d.HTML, `action="/account/mobile/verify"`)
			number := strings.Index(d.HTML, `action="/account/mobile"`)
			if code < 0 || number < 0 || code > number {
				t.Error("with a code sent, the code form should come first")
			}
		}},
		{"sessions", func(p layout.Page) templ.Component {
			return account.Sessions(p, []account.SessionRow{
				{ID: "s1", Device: "Firefox on Linux", Created: "1 Dec 2026", LastSeen: "now", Current: true},
				{ID: "s/2", Device: viewtest.Hostile, Created: "30 Nov 2026", LastSeen: "yesterday"},
			})
		}, func(t *testing.T, d *viewtest.Doc, lang string) {
			d.Escaped()
			if current(d) != "/account/sessions" {
				t.Errorf("current = %q", current(d))
			}
			rows := d.TestID("session-row")
			if len(rows) != 2 {
				t.Fatalf("rows = %d", len(rows))
			}
			if !strings.Contains(viewtest.Text(rows[0]), viewtest.T(t, lang, "sessions.this_device")) {
				t.Error("current session not marked")
			}
			if strings.Contains(d.HTML, "/account/sessions/s1/revoke") {
				t.Error("current session can be ended from the list")
			}
			d.Form("/account/sessions/s%2F2/revoke")
		}},
		{"sessions, empty", func(p layout.Page) templ.Component { return account.Sessions(p, nil) }, func(t *testing.T, d *viewtest.Doc, lang string) {
			d.None("session-row")
			d.Contains(viewtest.T(t, lang, "sessions.empty"))
		}},
	}
	for _, lang := range viewtest.Langs {
		for _, pg := range pages {
			t.Run(lang+"/"+pg.name, func(t *testing.T) {
				d := viewtest.Check(t, lang, pg.render(viewtest.Page(lang)))
				pg.check(t, d, lang)
			})
		}
	}
}

func TestNav(t *testing.T) {
	for _, cur := range []string{account.NavSecurity, "/account/security"} {
		d := viewtest.Parse(t, viewtest.Render(t, "sv", account.Nav(cur)))
		d.CheckFragment()
		if current(d) != "/account/security" {
			t.Errorf("Nav(%q): current = %q", cur, current(d))
		}
		d.Contains("ID-kontroll")
	}
}
