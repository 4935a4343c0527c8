package auth_test

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/securemailbox/securemailbox/internal/auth"
)

// attr returns the first submatch of pattern in body.
func attr(t *testing.T, body, pattern string) string {
	t.Helper()
	m := regexp.MustCompile(pattern).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s in %s", pattern, body)
	}
	return html.UnescapeString(m[1])
}

func wantBody(t *testing.T, r result, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(r.body, w) {
			t.Errorf("body lacks %q:\n%s", w, r.body)
		}
	}
}

func wantNotBody(t *testing.T, r result, not ...string) {
	t.Helper()
	for _, w := range not {
		if strings.Contains(r.body, w) {
			t.Errorf("body has %q", w)
		}
	}
}

func TestPageLoginCookieAndLogout(t *testing.T) {
	e := newEnv(t)
	p := e.signUp("Lena", "+46701234573", "en")
	b := e.browser()

	wantRedirect(t, b.get("/account/sessions"), "/login?next=%2Faccount%2Fsessions")
	r := b.get("/login?next=/account/sessions")
	wantStatus(t, r, 200)
	wantBody(t, r, `data-testid="login-form"`, `name="_csrf"`)

	// A form post without the CSRF field is refused before the handler runs.
	r = b.postRaw("/login", "email", p.email, "password", p.password)
	wantStatus(t, r, 403)
	wantBody(t, r, "The form expired or came from another site", `data-testid="request-id"`)
	if _, ok := setCookie(r, "__Host-session"); ok {
		t.Fatal("refused login set a session cookie")
	}
	if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP on the refusal = %q", csp)
	}

	r = b.post("/login", "email", p.email, "password", "wrong password here")
	wantStatus(t, r, 401)
	wantBody(t, r, "The e-mail address or password is not correct.", `value="`+p.email+`"`)
	wantNotBody(t, r, "wrong password here")

	r = b.post("/login", "email", p.email, "password", p.password)
	wantRedirect(t, r, "/account/sessions")
	sc, ok := setCookie(r, "__Host-session")
	if !ok {
		t.Fatal("no session cookie")
	}
	lower := strings.ToLower(sc)
	for _, a := range []string{"path=/", "secure", "httponly", "samesite=lax", "max-age=86400"} {
		if !strings.Contains(lower, a) {
			t.Errorf("session cookie %q lacks %s", sc, a)
		}
	}
	if strings.Contains(lower, "domain") {
		t.Errorf("session cookie has a Domain: %q", sc)
	}
	token := b.jar["__Host-session"]

	r = b.get("/account/sessions")
	wantStatus(t, r, 200)
	wantBody(t, r, `data-testid="session-row"`, `data-testid="session-current"`, p.name)
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control = %q", r.header.Get("Cache-Control"))
	}
	wantRedirect(t, b.get("/"), "/account")
	wantRedirect(t, b.get("/login"), "/account")

	r = b.post("/logout")
	wantRedirect(t, r, "/")
	if _, ok := b.jar["__Host-session"]; ok {
		t.Fatal("logout kept the session cookie")
	}
	wantBody(t, b.get("/"), "You are logged out.", `data-testid="home-signup"`)
	// The token itself is dead, not just forgotten by this browser.
	r = e.do("GET", "/account", "", "Cookie", "__Host-session="+token)
	wantRedirect(t, r, "/login?next=%2Faccount")
	if sc, _ := setCookie(r, "__Host-session"); !strings.Contains(strings.ToLower(sc), "max-age=0") && !strings.Contains(sc, "expires=") {
		t.Errorf("dead cookie not cleared: %q", sc)
	}
	e.check(t, scenario{method: "GET", path: "/api/v1/me", token: token, status: 401})
}

func TestPageLoginNextIsLocal(t *testing.T) {
	e := newEnv(t)
	p := e.signUp("Nils", "+46701234574", "en")
	for _, tc := range []struct{ next, location string }{
		{"/account/security", "/account/security"},
		{"//evil.example", "/account"},
		{"//evil.example/account", "/account"},
		{"/\\evil.example", "/account"},
		{"https://evil.example", "/account"},
		{"/\t/evil.example", "/account"},
		{"javascript:alert(1)", "/account"},
		{"", "/account"},
	} {
		t.Run(tc.next, func(t *testing.T) {
			b := e.browser()
			wantStatus(t, b.get("/login?next="+url.QueryEscape(tc.next)), 200)
			wantRedirect(t, b.post("/login", "email", p.email, "password", p.password), tc.location)
			if _, ok := b.jar["__Host-next"]; ok {
				t.Error("next cookie left behind")
			}
		})
	}
}

func TestPageSignUpAndVerify(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	wantBody(t, b.get("/signup"), `data-testid="signup-form"`)

	email := "maja.berg@example.com"
	r := b.post("/signup", "name", "Maja Berg", "email", email, "mobile", "12", "password", "password1234")
	wantStatus(t, r, 400)
	wantBody(t, r, `value="`+email+`"`, `value="Maja Berg"`, `aria-invalid="true"`,
		"This password is too common", "Enter a mobile number that can receive SMS")
	wantNotBody(t, r, "password1234")

	r = b.post("/signup", "name", "Maja Berg", "email", email, "mobile", "070-123 45 75", "password", "a long and quiet evening")
	wantStatus(t, r, 200)
	if n := strings.Count(r.body, `data-testid="recovery-code"`); n != 10 {
		t.Fatalf("%d recovery codes shown", n)
	}
	next := attr(t, r.body, `href="([^"]+)"[^>]*data-testid="codes-saved"`)
	if next != "/verify" {
		t.Fatalf("codes lead to %q", next)
	}
	id := b.jar["__Host-verify"]

	r = b.get(next)
	wantStatus(t, r, 200)
	wantBody(t, r, `data-testid="mobile-code-form"`, "+46 ••• ••45 75", "Not confirmed yet")
	r = b.post("/verify/mobile", "code", "000000")
	wantStatus(t, r, 400)
	wantBody(t, r, "That code is not valid")
	wantRedirect(t, b.post("/verify/mobile", "code", e.smsCode("+46701234575")), next)
	wantBody(t, b.get(next), "Your mobile number is confirmed.")
	// Another browser that only knows the account id learns nothing and can send nothing.
	other := e.browser()
	wantRedirect(t, other.get("/verify?account="+id), "/login?next=%2Fverify")
	if r := other.post("/verify/resend-sms", "account", id); r.status < 400 {
		t.Fatalf("resend by id from another browser: %d", r.status)
	}

	// Opening the e-mailed link changes nothing; its button does.
	link := e.linkToken(email, "verify/email")
	r = b.get("/verify/email/" + link)
	wantStatus(t, r, 200)
	wantBody(t, r, `data-testid="confirm-email-form"`, `value="`+link+`"`)
	tok, _ := e.login(person{email: email, password: "a long and quiet evening"})
	e.check(t, scenario{method: "GET", path: "/api/v1/me", token: tok, status: 200, want: []string{`"id":"` + id + `"`, `"email_verified":false`, `"mobile_verified":true`}})
	wantRedirect(t, b.post("/verify/email", "token", link), "/login")
	wantBody(t, b.get("/login"), "Your e-mail address is confirmed. Log in to continue.")
	e.check(t, scenario{method: "GET", path: "/api/v1/me", token: tok, status: 200, want: []string{`"email_verified":true`}})

	r = b.post("/verify/email", "token", link)
	wantStatus(t, r, 400)
	wantBody(t, r, "This link is not valid any more")
}

func TestPageTOTPSetupStepUpAndMFA(t *testing.T) {
	e := newEnv(t)
	p := e.signUp("Tor", "+46701234576", "en")
	b := e.browser()
	b.get("/login")
	wantRedirect(t, b.post("/login", "email", p.email, "password", p.password), "/account")
	wantBody(t, b.get("/account/security"), `data-testid="totp-start"`, `data-testid="codes-left"`, "10 codes left")

	stepUp := "/account/step-up?next=%2Faccount%2Ftotp%2Fsetup"
	wantRedirect(t, b.post("/account/totp/start"), stepUp)
	// GET changes nothing; without a step-up the setup page asks for one first.
	wantRedirect(t, b.get("/account/totp/setup"), stepUp)
	r := b.get(stepUp)
	wantStatus(t, r, 200)
	wantBody(t, r, `data-testid="step-up-sms-form"`, `value="/account/totp/setup"`)
	wantRedirect(t, b.post("/account/step-up/sms", "next", "/account/totp/setup"), stepUp+"&sms=sent")
	wantBody(t, b.get(stepUp+"&sms=sent"), "We have sent a code to +46 ••• ••45 76")

	r = b.post("/account/step-up", "code", "000000", "next", "/account/totp/setup")
	wantStatus(t, r, 400)
	wantBody(t, r, "That code is not valid", `value="/account/totp/setup"`)
	old := b.jar["__Host-session"]
	wantRedirect(t, b.post("/account/step-up", "code", e.smsCode(p.mobile), "next", "/account/totp/setup"), "/account/totp/setup")
	if b.jar["__Host-session"] == old {
		t.Fatal("step-up did not rotate the session cookie")
	}
	wantRedirect(t, e.do("GET", "/account", "", "Cookie", "__Host-session="+old), "/login?next=%2Faccount")

	r = b.get("/account/totp/setup")
	wantStatus(t, r, 200)
	wantBody(t, r, `src="data:image/png;base64,`, `data-testid="totp-secret"`, `data-testid="totp-confirm-form"`)
	secret := attr(t, r.body, secretRE.String())
	r = b.post("/account/totp/confirm", "code", "000000")
	wantStatus(t, r, 400)
	if again := attr(t, r.body, secretRE.String()); again != secret {
		t.Fatal("a wrong code showed a different secret")
	}
	r = b.post("/account/totp/confirm", "code", e.totpCode(secret))
	wantStatus(t, r, 200)
	codes := recoverRE.FindAllStringSubmatch(r.body, -1)
	if len(codes) != 10 || attr(t, r.body, `href="([^"]+)"[^>]*data-testid="codes-saved"`) != "/account/backup-phone" {
		t.Fatalf("after TOTP setup: %d codes: %s", len(codes), r.body)
	}
	wantBody(t, b.get("/account/security"), `data-testid="totp-disable-form"`)

	wantRedirect(t, b.post("/logout"), "/")
	b.get("/login?next=/account/sessions")
	r = b.post("/login", "email", p.email, "password", p.password)
	wantRedirect(t, r, "/login/mfa")
	if _, ok := b.jar["__Host-session"]; ok {
		t.Fatal("a session cookie before the second factor")
	}
	mfa := b.jar["__Host-mfa"]
	if mfa == "" {
		t.Fatal("no MFA cookie")
	}
	wantRedirect(t, b.get("/account"), "/login?next=%2Faccount")
	wantBody(t, b.get("/login/mfa"), `data-testid="totp-form"`, `data-testid="recovery-form"`)
	r = b.post("/login/mfa", "code", e.totpCode(secret))
	wantStatus(t, r, 400)
	wantBody(t, r, "That code is not valid")
	e.clock.Advance(30 * time.Second)
	r = b.post("/login/mfa", "recovery_code", "rowid-wrong")
	wantStatus(t, r, 400)
	wantBody(t, r, `<details class="disclosure" open`)
	wantRedirect(t, b.post("/login/mfa", "code", e.totpCode(secret)), "/account/sessions")
	if _, ok := b.jar["__Host-mfa"]; ok {
		t.Fatal("MFA cookie left behind")
	}
	if b.jar["__Host-session"] == "" || b.jar["__Host-session"] == mfa {
		t.Fatal("no new session token after the second factor")
	}
	// The pending token is dead.
	wantRedirect(t, e.do("GET", "/login/mfa", "", "Cookie", "__Host-mfa="+mfa), "/login")
	e.check(t, scenario{method: "POST", path: "/api/v1/sessions/mfa", token: mfa, body: map[string]string{"code": "123456"}, status: 401})

	// Turning TOTP off goes through a step-up, which the app's code can give, and back.
	wantRedirect(t, b.post("/account/totp/disable"), "/account/step-up?next=%2Faccount%2Fsecurity")
	e.clock.Advance(30 * time.Second)
	wantRedirect(t, b.post("/account/step-up", "code", e.totpCode(secret), "next", "/account/security"), "/account/security")
	wantRedirect(t, b.post("/account/totp/disable"), "/account/security")
	wantBody(t, b.get("/account/security"), "The authenticator app is removed.", `data-testid="totp-start"`)
}

func TestPageRecoveryCodesAndBackupPhone(t *testing.T) {
	e := newEnv(t)
	p := e.signUp("Rebecka", "+46701234577", "en")
	b := e.browser()
	b.get("/login")
	wantRedirect(t, b.post("/login", "email", p.email, "password", p.password), "/account")

	wantRedirect(t, b.post("/account/recovery-codes"), "/account/step-up?next=%2Faccount%2Fsecurity")
	wantRedirect(t, b.get("/account/backup-phone"), "/account/step-up?next=%2Faccount%2Fbackup-phone")
	b.post("/account/step-up/sms", "next", "/account/backup-phone")
	wantRedirect(t, b.post("/account/step-up", "code", e.smsCode(p.mobile), "next", "/account/backup-phone"), "/account/backup-phone")
	wantBody(t, b.get("/account/backup-phone"), `data-testid="backup-phone-form"`)

	r := b.post("/account/backup-phone", "mobile", "42")
	wantStatus(t, r, 400)
	wantBody(t, r, `value="42"`, `id="f-mobile-error"`)
	wantRedirect(t, b.post("/account/backup-phone", "mobile", "+46 73 765 43 21"), "/account/backup-phone")
	r = b.get("/account/backup-phone")
	wantBody(t, r, `data-testid="backup-verify-form"`, "We have sent a code to the new number.")
	r = b.post("/account/backup-phone/verify", "code", "000000")
	wantStatus(t, r, 400)
	wantBody(t, r, `id="f-code-error"`)
	wantRedirect(t, b.post("/account/backup-phone/verify", "code", e.smsCode("+46737654321")), "/account/security")
	wantBody(t, b.get("/account/security"), "+46737654321", "Your backup phone is confirmed.")

	r = b.post("/account/recovery-codes")
	wantStatus(t, r, 200)
	fresh := recoverRE.FindAllStringSubmatch(r.body, -1)
	if len(fresh) != 10 || fresh[0][1] == p.codes[0] {
		t.Fatalf("renewed codes: %v", fresh)
	}
}

func TestPageSessionsOfTwoAccounts(t *testing.T) {
	e := newEnv(t)
	a := e.signUp("Agnes", "+46701234578", "en")
	bob := e.signUp("Bengt", "+46701234579", "en")
	tokB, _ := e.login(bob)
	r := e.check(t, scenario{method: "GET", path: "/api/v1/sessions", token: tokB, status: 200})
	idB := attr(t, r.body, `"id":"([^"]+)"`)

	b := e.browser()
	b.get("/login")
	wantRedirect(t, b.post("/login", "email", a.email, "password", a.password), "/account")
	other, _ := e.login(a)

	r = b.post("/account/sessions/" + idB + "/revoke")
	wantStatus(t, r, 404)
	wantBody(t, r, "We could not find what you were looking for.", `data-testid="request-id"`)
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Request-Id"} {
		if r.header.Get(h) == "" {
			t.Errorf("error page lacks %s", h)
		}
	}
	if r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("error page Cache-Control = %q", r.header.Get("Cache-Control"))
	}
	e.check(t, scenario{method: "GET", path: "/api/v1/me", token: tokB, status: 200})

	r = b.get("/account/sessions")
	if n := strings.Count(r.body, `data-testid="session-revoke"`); n != 1 {
		t.Fatalf("%d sessions to revoke", n)
	}
	action := attr(t, r.body, `action="(/account/sessions/[^"]+/revoke)"`)
	wantRedirect(t, b.post(action), "/account/sessions")
	wantBody(t, b.get("/account/sessions"), "The session is ended.")
	e.check(t, scenario{method: "GET", path: "/api/v1/me", token: other, status: 401})
}

func TestPagePasswordReset(t *testing.T) {
	e := newEnv(t)
	p := e.signUp("Rikard", "+46701234580", "en")
	b := e.browser()

	wantBody(t, b.get("/password-reset"), `data-testid="reset-request-form"`)
	wantRedirect(t, b.post("/password-reset", "email", p.email), "/password-reset?sent=1")
	wantBody(t, b.get("/password-reset?sent=1"), `data-testid="reset-sent"`)
	link := e.linkToken(p.email, "password-reset")
	page := "/password-reset/" + link

	r := b.get(page)
	wantStatus(t, r, 200)
	wantBody(t, r, `data-testid="reset-form"`, `data-testid="reset-sms-form"`)
	wantRedirect(t, b.post(page+"/code"), page+"?sms=sent")
	code := e.smsCode(p.mobile)

	r = b.post(page, "new_password", "fresh spring morning walk", "code", code)
	wantStatus(t, r, 409)
	wantBody(t, r, `id="f-accept-key-loss-error"`, "Without a recovery code your old messages stay locked.")
	r = b.post(page, "new_password", "password1234", "code", code, "accept_key_loss", "1")
	wantStatus(t, r, 400)
	wantBody(t, r, `id="f-new-password-error"`)
	r = b.post(page, "new_password", "fresh spring morning walk", "code", code, "accept_key_loss", "1")
	// New keys come with new recovery codes, shown once before the login.
	wantStatus(t, r, 200)
	if codes := recoverRE.FindAllStringSubmatch(r.body, -1); len(codes) != 10 {
		t.Fatalf("codes after a reset with new keys: %d", len(codes))
	}
	if next := attr(t, r.body, `href="([^"]+)"[^>]*data-testid="codes-saved"`); next != "/login" {
		t.Fatalf("codes lead to %q", next)
	}
	wantBody(t, b.get("/login"), "Your account has new keys")
	p.password = "fresh spring morning walk"
	e.login(p)

	// A used link gets the error page, with the usual headers.
	r = b.get(page)
	wantStatus(t, r, 400)
	wantBody(t, r, "This link is not valid any more", `data-testid="request-id"`, `lang="en"`)
	if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "object-src 'none'") {
		t.Errorf("error page CSP = %q", csp)
	}
	r = b.get("/password-reset/not-a-token")
	wantStatus(t, r, 400)
	if r.header.Get("X-Request-Id") == "" || !strings.Contains(r.body, r.header.Get("X-Request-Id")) {
		t.Error("error page does not show its request id")
	}
}

func TestPageLanguageFollowsAccount(t *testing.T) {
	e := newEnv(t)
	p := e.signUp("Sven", "+46701234581", "sv")
	b := e.browser()
	b.get("/login")
	wantRedirect(t, b.post("/login", "email", p.email, "password", p.password), "/account")
	wantBody(t, b.get("/account"), `lang="sv"`)

	b.jar["__Host-lang"] = "en"
	wantBody(t, b.get("/account"), `lang="en"`)
	wantRedirect(t, b.post("/account/locale", "locale", "sv"), "/account")
	if _, ok := b.jar["__Host-lang"]; ok {
		t.Fatal("the explicit language choice survived the account's new locale")
	}
	wantBody(t, b.get("/account"), `lang="sv"`, "Ditt språk är sparat.")
}

// logIn logs the browser in as p.
func (b *browser) logIn(p person) {
	b.e.t.Helper()
	b.get("/login")
	wantRedirect(b.e.t, b.post("/login", "email", p.email, "password", p.password), "/account")
}

// stepUp does the SMS step-up on its page, to continue at next.
func (b *browser) stepUp(next, phone string) {
	b.e.t.Helper()
	page := "/account/step-up?next=" + url.QueryEscape(next)
	wantRedirect(b.e.t, b.post("/account/step-up/sms", "next", next), page+"&sms=sent")
	wantRedirect(b.e.t, b.post("/account/step-up", "code", b.e.smsCode(phone), "next", next), next)
}

func TestPagePasswordChange(t *testing.T) {
	e := newEnv(t)
	p := e.signUp("Paula", "+46701234582", "en")
	b := e.browser()
	b.logIn(p)
	other, _ := e.login(p)

	r := b.get("/account/security")
	wantBody(t, r, `href="/account/password"`)
	stepUp := "/account/step-up?next=%2Faccount%2Fpassword"
	wantRedirect(t, b.get("/account/password"), stepUp)
	wantRedirect(t, b.post("/account/password", "new_password", "a new and quiet harbour"), stepUp)
	b.stepUp("/account/password", p.mobile)

	r = b.get("/account/password")
	wantStatus(t, r, 200)
	wantBody(t, r, `data-testid="password-form"`, `name="_csrf"`, `autocomplete="new-password"`,
		"At least 12 characters", "you are logged out on all your other devices")

	// Without the CSRF field the change is refused before the handler runs.
	r = b.postRaw("/account/password", "new_password", "a new and quiet harbour")
	wantStatus(t, r, 403)
	e.login(p)

	r = b.post("/account/password", "new_password", "password1234")
	wantStatus(t, r, 400)
	wantBody(t, r, `data-testid="password-form"`, `id="f-new-password-error"`, `aria-invalid="true"`, "This password is too common")
	wantNotBody(t, r, "password1234")

	wantRedirect(t, b.post("/account/password", "new_password", "a new and quiet harbour"), "/account/security")
	wantBody(t, b.get("/account/security"), "Password changed; other sessions were logged out.")
	e.check(t, scenario{method: "GET", path: "/api/v1/me", token: other, status: 401})
	e.check(t, scenario{method: "POST", path: "/api/v1/sessions", body: map[string]string{"email": p.email, "password": p.password}, status: 401})
	p.password = "a new and quiet harbour"
	tok, _ := e.login(p)
	e.check(t, scenario{method: "GET", path: "/api/v1/me", token: tok, status: 200, want: []string{p.email}})

	// Once the step-up has run out, the form sends the visitor through a new one.
	e.clock.Advance(6 * time.Minute)
	wantRedirect(t, b.post("/account/password", "new_password", "yet another calm harbour"), stepUp)
	wantRedirect(t, b.get("/account/password"), stepUp)
	e.login(p)
}

func TestPageEmailChange(t *testing.T) {
	e := newEnv(t)
	p := e.signUp("Elsa", "+46701234583", "en")
	taken := e.signUp("Frida", "+46701234584", "en")
	b := e.browser()
	b.logIn(p)

	wantBody(t, b.get("/account"), `href="/account/email"`)
	stepUp := "/account/step-up?next=%2Faccount%2Femail"
	wantRedirect(t, b.get("/account/email"), stepUp)
	wantRedirect(t, b.post("/account/email", "email", "elsa.new@example.com"), stepUp)
	b.stepUp("/account/email", p.mobile)

	r := b.get("/account/email")
	wantStatus(t, r, 200)
	wantBody(t, r, `data-testid="email-form"`, `name="_csrf"`, `data-testid="email-current">`+p.email+`<`,
		"Your current address stays in use until you open the link.")

	r = b.post("/account/email", "email", "elsa at example")
	wantStatus(t, r, 400)
	wantBody(t, r, `value="elsa at example"`, `id="f-email-error"`, "Enter an e-mail address like name@example.com.")
	r = b.post("/account/email", "email", taken.email)
	wantStatus(t, r, 409)
	wantBody(t, r, `value="`+taken.email+`"`, `id="f-email-error"`, "Another account uses that e-mail address.")

	wantRedirect(t, b.post("/account/email", "email", "elsa.new@example.com"), "/account")
	r = b.get("/account")
	wantBody(t, r, "We have sent a link to your new address. Your current address stays in use until you open the link.",
		`data-testid="profile-email">`+p.email+`<`)
	e.login(p) // the current address still logs in

	link := e.linkToken("elsa.new@example.com", "verify/email")
	wantBody(t, b.get("/verify/email/"+link), `data-testid="confirm-email-form"`)
	wantRedirect(t, b.post("/verify/email", "token", link), "/account")
	wantBody(t, b.get("/account"), `data-testid="profile-email">elsa.new@example.com<`, "Your e-mail address is confirmed.")
	e.check(t, scenario{method: "POST", path: "/api/v1/sessions", body: map[string]string{"email": p.email, "password": p.password}, status: 401})
	p.email = "elsa.new@example.com"
	tok, _ := e.login(p)
	e.check(t, scenario{method: "GET", path: "/api/v1/me", token: tok, status: 200, want: []string{`"email":"elsa.new@example.com"`}})

	// The address the account already has sends nothing and says so.
	wantRedirect(t, b.post("/account/email", "email", "Elsa.New@example.com"), "/account")
	wantBody(t, b.get("/account"), "That is already your e-mail address.")

	e.clock.Advance(6 * time.Minute)
	wantRedirect(t, b.post("/account/email", "email", "elsa.third@example.com"), stepUp)
}

func TestPageMobileChange(t *testing.T) {
	e := newEnv(t)
	p := e.signUp("Mats", "+46701234585", "en")
	b := e.browser()
	b.logIn(p)
	other, _ := e.login(p)

	wantBody(t, b.get("/account"), `href="/account/mobile"`)
	stepUp := "/account/step-up?next=%2Faccount%2Fmobile"
	wantRedirect(t, b.get("/account/mobile"), stepUp)
	wantRedirect(t, b.get("/account/mobile?sent=1"), stepUp) // no number waits for a code
	wantRedirect(t, b.post("/account/mobile", "mobile", "+46 73 765 43 22"), stepUp)
	b.stepUp("/account/mobile", p.mobile)

	r := b.get("/account/mobile")
	wantStatus(t, r, 200)
	wantBody(t, r, `data-testid="mobile-form"`, `name="_csrf"`, "you are logged out on all your other devices")
	wantNotBody(t, r, `data-testid="mobile-verify-form"`)

	r = b.post("/account/mobile", "mobile", "42")
	wantStatus(t, r, 400)
	wantBody(t, r, `value="42"`, `id="f-mobile-error"`, "Enter a mobile number that can receive SMS")

	wantRedirect(t, b.post("/account/mobile", "mobile", "+46 73 765 43 22"), "/account/mobile?sent=1")
	// The code form needs no fresh step-up: the code itself proves the new number.
	e.clock.Advance(6 * time.Minute)
	r = b.get("/account/mobile?sent=1")
	wantStatus(t, r, 200)
	wantBody(t, r, `data-testid="mobile-verify-form"`, `inputmode="numeric"`, `autocomplete="one-time-code"`,
		"We have sent a code by SMS to +46 ••• ••43 22.")

	r = b.post("/account/mobile/verify", "code", "000000")
	wantStatus(t, r, 400)
	wantBody(t, r, `data-testid="mobile-verify-form"`, `id="f-code-error"`, "That code is not valid")
	wantNotBody(t, r, `value="000000"`)
	e.check(t, scenario{method: "GET", path: "/api/v1/me", token: other, status: 200, want: []string{`"mobile":"` + p.mobile + `"`}})

	wantRedirect(t, b.post("/account/mobile/verify", "code", e.smsCode("+46737654322")), "/account")
	wantBody(t, b.get("/account"), "Your mobile number is changed; other sessions were logged out.",
		`data-testid="profile-mobile">+46737654322<`)
	e.check(t, scenario{method: "GET", path: "/api/v1/me", token: other, status: 401})

	// Step-up codes now go to the new number.
	tok, _ := e.login(p)
	e.check(t, scenario{method: "GET", path: "/api/v1/me", token: e.stepUp(tok, "+46737654322"), status: 200,
		want: []string{`"mobile":"+46737654322"`}})
}

// After a reset without a recovery code, ID control offers to open the older key with one
// of its codes; a wrong code is refused on the page, a right one opens it.
func TestPageRecoverOlderKey(t *testing.T) {
	e := newEnv(t)
	p := e.signUp("Olga", "+46701234588", "en")
	ctx := context.Background()
	if err := e.svc.RequestPasswordReset(ctx, p.email, auth.Client{IP: "192.0.2.9"}); err != nil {
		t.Fatal(err)
	}
	tok := e.linkToken(p.email, "password-reset")
	if err := e.svc.SendResetCode(ctx, tok, false, auth.Client{IP: "192.0.2.9"}); err != nil {
		t.Fatal(err)
	}
	res, err := e.svc.CompletePasswordReset(ctx, auth.ResetInput{Token: tok, NewPassword: "a new and quiet passphrase", Code: e.smsCode(p.mobile), AcceptKeyLoss: true}, auth.Client{IP: "192.0.2.9"})
	if err != nil || res.KeysKept {
		t.Fatalf("reset: %+v %v", res, err)
	}
	p.password = "a new and quiet passphrase"
	b := e.browser()
	b.logIn(p)
	r := b.get("/account/security")
	wantBody(t, r, `data-testid="oldkeys-form"`, "one older key of yours is locked")
	r = b.post("/account/keys/recover", "recovery_code", res.RecoveryCodes[0])
	wantStatus(t, r, 400)
	wantBody(t, r, `id="f-recovery-code-error"`, `data-testid="oldkeys-form"`)
	wantNotBody(t, r, res.RecoveryCodes[0])
	wantRedirect(t, b.post("/account/keys/recover", "recovery_code", p.codes[0]), "/account/security")
	r = b.get("/account/security")
	wantBody(t, r, "Your older key is open again")
	wantNotBody(t, r, `data-testid="oldkeys-form"`)
}
