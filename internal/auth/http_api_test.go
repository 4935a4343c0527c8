package auth_test

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

func TestAPISignUpVerifyLoginMe(t *testing.T) {
	e := newEnv(t)
	email := "anna.svensson@example.com"
	r := e.check(t, scenario{
		method: "POST", path: "/api/v1/accounts", status: 201,
		body: map[string]string{"email": email, "password": "correct battery horse staple", "mobile": "+46 70 123 45 61", "name": "Anna Svensson"},
		want: []string{`"email_verified":false`, `"mobile_verified":false`, `"recovery_codes":[`, `"email_sent":true`, `"sms_sent":true`},
	})
	if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
	if r.header.Get("X-Request-Id") == "" || r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("headers: %v", r.header)
	}
	var acct struct {
		ID            string   `json:"id"`
		RecoveryCodes []string `json:"recovery_codes"`
	}
	decode(t, r, &acct)
	if len(acct.RecoveryCodes) != 10 {
		t.Fatalf("recovery codes = %d", len(acct.RecoveryCodes))
	}
	mailToken := e.linkToken(email, "verify/email")
	smsCode := e.smsCode("+46701234561")
	p := person{email: email, password: "correct battery horse staple"}

	for _, sc := range []scenario{
		{name: "token of another endpoint", method: "POST", path: "/api/v1/password-reset/code", body: map[string]string{"token": mailToken}, status: 400, want: []string{`"code":"invalid_token"`}},
		{name: "wrong sms code", method: "POST", path: "/api/v1/accounts/verify-mobile", body: map[string]string{"account_id": acct.ID, "code": "000000"}, status: 400, want: []string{`"code":"invalid_code"`}},
		{name: "verify e-mail", method: "POST", path: "/api/v1/accounts/verify-email", body: map[string]string{"token": mailToken}, status: 200, want: []string{`{"email_verified":true}`}},
		{name: "e-mail link works once", method: "POST", path: "/api/v1/accounts/verify-email", body: map[string]string{"token": mailToken}, status: 400, want: []string{`"code":"invalid_token"`}},
		{name: "verify mobile", method: "POST", path: "/api/v1/accounts/verify-mobile", body: map[string]string{"account_id": acct.ID, "code": smsCode}, status: 200, want: []string{`{"mobile_verified":true}`}},
		{name: "sms code works once", method: "POST", path: "/api/v1/accounts/verify-mobile", body: map[string]string{"account_id": acct.ID, "code": smsCode}, status: 400, want: []string{`"code":"invalid_code"`}},
	} {
		t.Run(sc.name, func(t *testing.T) { e.check(t, sc) })
	}

	token, mfa := e.login(p)
	if mfa || token == "" {
		t.Fatalf("login: token %q mfa %v", token, mfa)
	}
	e.check(t, scenario{
		method: "GET", path: "/api/v1/me", token: token, status: 200,
		want: []string{
			`"id":"` + acct.ID + `"`, `"email":"` + email + `"`, `"name":"Anna Svensson"`, `"mobile":"+46701234561"`,
			`"locale":"en"`, `"totp_enabled":false`, `"backup_phone":null`, `"email_verified":true`, `"mobile_verified":true`,
			`"recovery_codes_left":10`, `"role":"owner"`, `"name":"Anna Svensson","role"`,
		},
		notWant: []string{"password", "secret", "sealed"},
	})
	e.check(t, scenario{method: "PUT", path: "/api/v1/me/locale", token: token, body: map[string]string{"locale": "sv"}, status: 200, want: []string{`{"locale":"sv"}`}})
	e.check(t, scenario{method: "PUT", path: "/api/v1/me/locale", token: token, body: map[string]string{"locale": "xx"}, status: 400, want: []string{`"field":"locale"`}})
	// The account's locale now chooses the language of messages.
	r = e.do("GET", "/api/v1/me/nothing-here", "", "Authorization", "Bearer "+token)
	if r.status != 404 || !strings.Contains(r.body, "Vi kunde inte hitta") {
		t.Errorf("account locale not used: %d %s", r.status, r.body)
	}
	r = e.check(t, scenario{method: "GET", path: "/api/v1/sessions", token: token, status: 200, want: []string{`"current":true`, `"next_cursor":null`, `"device":`, `"ip":`, `"last_seen_at":"2026-12-01T09:00:00Z"`}})
}

func TestAPIValidation(t *testing.T) {
	e := newEnv(t)
	e.signUp("Existing", "+46701234562", "en")
	good := func(change map[string]any) map[string]any {
		m := map[string]any{"email": "new.person@example.com", "password": "correct battery horse staple", "mobile": "+46701234563", "name": "New Person"}
		for k, v := range change {
			m[k] = v
		}
		return m
	}
	for _, sc := range []scenario{
		{name: "weak password", body: good(map[string]any{"password": "password1234"}), status: 400,
			want: []string{`"code":"weak_password"`, `"details":[{"field":"password","code":"weak_password"}]`}},
		{name: "short password", body: good(map[string]any{"password": "short"}), status: 400,
			want: []string{`"code":"weak_password"`, `"field":"password"`, "at least 12 characters"}},
		{name: "bad mobile", body: good(map[string]any{"mobile": "12"}), status: 400,
			want: []string{`"code":"invalid_request"`, `{"field":"mobile","code":"invalid_request"}`}},
		{name: "landline", body: good(map[string]any{"mobile": "+46812345678"}), status: 400, want: []string{`"field":"mobile"`}},
		{name: "bad email and mobile", body: good(map[string]any{"email": "nope", "mobile": "nope"}), status: 400,
			want: []string{`{"field":"email","code":"invalid_request"}`, `{"field":"mobile","code":"invalid_request"}`}},
		{name: "unknown field", body: good(map[string]any{"role": "admin"}), status: 400,
			want: []string{`"code":"unknown_field"`, `"field":"role"`}},
		{name: "verified flag is not an input", body: good(map[string]any{"email_verified": true}), status: 400, want: []string{`"code":"unknown_field"`}},
		{name: "not json", body: "email=x", status: 415, want: []string{`"code":"unsupported_media_type"`}},
		{name: "trailing data", body: `{"email":"a@example.com"} {}`, status: 400, want: []string{`"code":"invalid_request"`}},
	} {
		t.Run(sc.name, func(t *testing.T) {
			sc.method, sc.path = "POST", "/api/v1/accounts"
			sc.notWant = append(sc.notWant, "password1234", "correct battery")
			if sc.name == "not json" {
				r := e.do("POST", sc.path, "email=x", "Content-Type", "application/x-www-form-urlencoded")
				if r.status != sc.status || !strings.Contains(r.body, sc.want[0]) {
					t.Fatalf("%d %s", r.status, r.body)
				}
				return
			}
			e.check(t, sc)
		})
	}
	for _, sc := range []scenario{
		{name: "no session", method: "GET", path: "/api/v1/me", status: 401, want: []string{`"code":"unauthenticated"`, `"request_id":`}},
		{name: "garbage token", method: "GET", path: "/api/v1/me", token: "not-a-token", status: 401, want: []string{`"code":"unauthenticated"`}},
		{name: "mfa without token", method: "POST", path: "/api/v1/sessions/mfa", body: map[string]string{"code": "123456"}, status: 401, want: []string{`"code":"unauthenticated"`}},
		{name: "unknown field in login", method: "POST", path: "/api/v1/sessions", body: map[string]string{"email": "a@example.com", "password": "x", "remember": "1"}, status: 400, want: []string{`"code":"unknown_field"`}},
	} {
		t.Run(sc.name, func(t *testing.T) {
			r := e.check(t, sc)
			if sc.status == 401 && r.header.Get("WWW-Authenticate") != "Bearer" {
				t.Errorf("WWW-Authenticate = %q", r.header.Get("WWW-Authenticate"))
			}
		})
	}
}

func TestAPINoEnumeration(t *testing.T) {
	e := newEnv(t)
	p := e.signUp("Known", "+46701234564", "en")

	fresh := e.api("POST", "/api/v1/accounts", map[string]string{
		"email": "someone.else@example.com", "password": "another fine passphrase", "mobile": "+46701234565", "name": "Someone",
	}, "")
	taken := e.api("POST", "/api/v1/accounts", map[string]string{
		"email": strings.ToUpper(p.email), "password": "another fine passphrase", "mobile": "+46701234566", "name": "Someone",
	}, "")
	if fresh.status != 201 || taken.status != fresh.status {
		t.Fatalf("sign-up status: fresh %d, taken %d: %s", fresh.status, taken.status, taken.body)
	}
	if a, b := jsonKeys(t, fresh.body), jsonKeys(t, taken.body); a != b {
		t.Errorf("shapes differ: %s vs %s", a, b)
	}
	var out struct {
		RecoveryCodes []string `json:"recovery_codes"`
		EmailSent     bool     `json:"email_sent"`
		SMSSent       bool     `json:"sms_sent"`
	}
	decode(t, taken, &out)
	if len(out.RecoveryCodes) != 10 || !out.EmailSent || !out.SMSSent {
		t.Errorf("taken address answer differs: %s", taken.body)
	}

	unknown := e.api("POST", "/api/v1/sessions", map[string]string{"email": "nobody@example.com", "password": p.password}, "")
	wrong := e.api("POST", "/api/v1/sessions", map[string]string{"email": p.email, "password": "not the password at all"}, "")
	if unknown.status != 401 || wrong.status != 401 {
		t.Fatalf("login status: unknown %d, wrong %d", unknown.status, wrong.status)
	}
	type apiErr struct {
		Error struct {
			Code, Message string
		}
	}
	var u, w apiErr
	decode(t, unknown, &u)
	decode(t, wrong, &w)
	if u.Error.Code != "invalid_credentials" || u.Error != w.Error {
		t.Errorf("login answers differ: %s vs %s", unknown.body, wrong.body)
	}

	known := e.api("POST", "/api/v1/password-reset", map[string]string{"email": p.email}, "")
	nobody := e.api("POST", "/api/v1/password-reset", map[string]string{"email": "nobody@example.com"}, "")
	if known.status != 202 || nobody.status != 202 || known.body != nobody.body {
		t.Errorf("reset answers differ: %d %s vs %d %s", known.status, known.body, nobody.status, nobody.body)
	}
}

func TestAPISessionRotationAndLogout(t *testing.T) {
	e := newEnv(t)
	p := e.signUp("Rotor", "+46701234567", "en")
	old, _ := e.login(p)

	e.check(t, scenario{method: "PUT", path: "/api/v1/me/password", token: old, body: map[string]string{"password": "a brand new passphrase"}, status: 403, want: []string{`"code":"step_up_required"`}})
	e.check(t, scenario{method: "POST", path: "/api/v1/me/step-up", token: old, status: 202, want: []string{`"sms_sent":true`}})
	e.check(t, scenario{method: "POST", path: "/api/v1/me/step-up", token: old, body: map[string]string{"code": "000000"}, status: 400, want: []string{`"code":"invalid_code"`, `"field":"code"`}})
	r := e.check(t, scenario{method: "POST", path: "/api/v1/me/step-up", token: old, body: map[string]string{"code": e.smsCode(p.mobile)}, status: 200,
		want: []string{`"token":"`, `"expires_at":"2026-12-02T09:00:00Z"`, `"step_up_until":"2026-12-01T09:05:00Z"`}})
	var up struct{ Token string }
	decode(t, r, &up)
	if up.Token == old {
		t.Fatal("step-up kept the token")
	}
	for _, sc := range []scenario{
		{name: "old token is dead", method: "GET", path: "/api/v1/me", token: old, status: 401, want: []string{`"code":"unauthenticated"`}},
		{name: "new token works", method: "GET", path: "/api/v1/me", token: up.Token, status: 200},
		{name: "weak new password", method: "PUT", path: "/api/v1/me/password", token: up.Token, body: map[string]string{"password": "password1234"}, status: 400, want: []string{`"field":"password"`}},
		{name: "change password", method: "PUT", path: "/api/v1/me/password", token: up.Token, body: map[string]string{"password": "a brand new passphrase"}, status: 204},
		{name: "logout", method: "DELETE", path: "/api/v1/sessions/current", token: up.Token, status: 204},
		{name: "logged-out token is dead", method: "GET", path: "/api/v1/me", token: up.Token, status: 401},
	} {
		t.Run(sc.name, func(t *testing.T) { e.check(t, sc) })
	}
	p.password = "a brand new passphrase"
	if tok, _ := e.login(p); tok == "" {
		t.Fatal("no login with the new password")
	}

	// The step-up window closes after five minutes.
	tok, _ := e.login(p)
	tok = e.stepUp(tok, p.mobile)
	e.clock.Advance(5*time.Minute + time.Second)
	e.check(t, scenario{method: "POST", path: "/api/v1/me/recovery-codes", token: tok, status: 403, want: []string{`"code":"step_up_required"`}})
}

func TestAPITOTPAndRecoveryCodes(t *testing.T) {
	e := newEnv(t)
	p := e.signUp("Tove", "+46701234568", "en")
	token, _ := e.login(p)

	e.check(t, scenario{method: "POST", path: "/api/v1/me/totp", token: token, status: 403, want: []string{`"code":"step_up_required"`}})
	token = e.stepUp(token, p.mobile)
	r := e.check(t, scenario{method: "POST", path: "/api/v1/me/totp", token: token, status: 200, want: []string{`"secret":"`, `"otpauth_url":"otpauth://totp/`, `"qr_png_base64":"`}})
	var setup struct {
		Secret string `json:"secret"`
		QR     string `json:"qr_png_base64"`
	}
	decode(t, r, &setup)
	if png, err := base64.StdEncoding.DecodeString(setup.QR); err != nil || !isPNG(png) {
		t.Fatalf("qr is not a PNG: %v", err)
	}
	e.check(t, scenario{method: "POST", path: "/api/v1/me/totp/confirm", token: token, body: map[string]string{"code": "000000"}, status: 400, want: []string{`"code":"invalid_code"`}})
	confirmed := e.totpCode(setup.Secret)
	r = e.check(t, scenario{method: "POST", path: "/api/v1/me/totp/confirm", token: token, body: map[string]string{"code": confirmed}, status: 200, want: []string{`"recovery_codes":[`}})
	var rc struct {
		RecoveryCodes []string `json:"recovery_codes"`
	}
	decode(t, r, &rc)
	if len(rc.RecoveryCodes) != 10 {
		t.Fatalf("recovery codes: %s", r.body)
	}

	pending, mfa := e.login(p)
	if !mfa {
		t.Fatal("login after TOTP setup does not ask for the second factor")
	}
	e.check(t, scenario{method: "GET", path: "/api/v1/me", token: pending, status: 401, want: []string{`"code":"mfa_required"`}})
	// The step the setup accepted cannot be used again.
	e.check(t, scenario{method: "POST", path: "/api/v1/sessions/mfa", token: pending, body: map[string]string{"code": confirmed}, status: 400, want: []string{`"code":"invalid_code"`}})
	e.clock.Advance(30 * time.Second)
	next := e.totpCode(setup.Secret)
	r = e.check(t, scenario{method: "POST", path: "/api/v1/sessions/mfa", token: pending, body: map[string]string{"code": next}, status: 200, want: []string{`"token":"`, `"expires_at":"`}})
	var full struct{ Token string }
	decode(t, r, &full)
	for _, sc := range []scenario{
		{name: "same code again", method: "POST", path: "/api/v1/sessions/mfa", token: pending, body: map[string]string{"code": next}, status: 401},
		{name: "pending token is dead", method: "GET", path: "/api/v1/me", token: pending, status: 401, want: []string{`"code":"unauthenticated"`}},
		{name: "full token works", method: "GET", path: "/api/v1/me", token: full.Token, status: 200, want: []string{`"totp_enabled":true`, `"recovery_codes_left":10`}},
		{name: "second setup refused", method: "POST", path: "/api/v1/me/totp", token: full.Token, status: 403, want: []string{`"code":"step_up_required"`}},
	} {
		t.Run(sc.name, func(t *testing.T) { e.check(t, sc) })
	}

	// A recovery code logs in once.
	pending, _ = e.login(p)
	e.check(t, scenario{method: "POST", path: "/api/v1/sessions/mfa", token: pending, body: map[string]string{"recovery_code": rc.RecoveryCodes[0]}, status: 200, want: []string{`"token":"`}})
	pending, _ = e.login(p)
	e.check(t, scenario{method: "POST", path: "/api/v1/sessions/mfa", token: pending, body: map[string]string{"recovery_code": rc.RecoveryCodes[0]}, status: 400, want: []string{`"code":"invalid_code"`}})
	e.check(t, scenario{method: "POST", path: "/api/v1/sessions/mfa", token: pending, body: map[string]string{"recovery_code": p.codes[0]}, status: 400, want: []string{`"code":"invalid_code"`}})
	e.check(t, scenario{method: "GET", path: "/api/v1/me", token: full.Token, status: 200, want: []string{`"recovery_codes_left":9`}})

	// Turning TOTP off needs a step-up, which TOTP itself can give.
	e.check(t, scenario{method: "DELETE", path: "/api/v1/me/totp", token: full.Token, status: 403})
	e.clock.Advance(30 * time.Second)
	r = e.check(t, scenario{method: "POST", path: "/api/v1/me/step-up", token: full.Token, body: map[string]string{"code": e.totpCode(setup.Secret)}, status: 200})
	decode(t, r, &full)
	e.check(t, scenario{method: "DELETE", path: "/api/v1/me/totp", token: full.Token, status: 204})
	if _, mfa := e.login(p); mfa {
		t.Error("TOTP still required after DELETE /me/totp")
	}
}

func TestAPIBackupPhone(t *testing.T) {
	e := newEnv(t)
	p := e.signUp("Berit", "+46701234569", "en")
	token := e.stepUp(func() string { t, _ := e.login(p); return t }(), p.mobile)
	for _, sc := range []scenario{
		{name: "bad number", method: "PUT", path: "/api/v1/me/backup-phone", token: token, body: map[string]string{"mobile": "123"}, status: 400, want: []string{`"field":"mobile"`}},
		{name: "set", method: "PUT", path: "/api/v1/me/backup-phone", token: token, body: map[string]string{"mobile": "+46 73 123 45 67"}, status: 202, want: []string{`"sms_sent":true`}},
		{name: "wrong code", method: "POST", path: "/api/v1/me/backup-phone/verify", token: token, body: map[string]string{"code": "000000"}, status: 400, want: []string{`"code":"invalid_code"`}},
	} {
		t.Run(sc.name, func(t *testing.T) { e.check(t, sc) })
	}
	e.check(t, scenario{method: "POST", path: "/api/v1/me/backup-phone/verify", token: token, body: map[string]string{"code": e.smsCode("+46731234567")}, status: 200, want: []string{`{"backup_phone":"+46731234567"}`}})
	e.check(t, scenario{method: "GET", path: "/api/v1/me", token: token, status: 200, want: []string{`"backup_phone":"+46731234567"`}})
}

func TestAPIPasswordReset(t *testing.T) {
	e := newEnv(t)
	p := e.signUp("Rut", "+46701234570", "en")
	before, _ := e.login(p)

	// With a recovery code the keys are kept.
	e.check(t, scenario{method: "POST", path: "/api/v1/password-reset", body: map[string]string{"email": p.email}, status: 202})
	link := e.linkToken(p.email, "password-reset")
	for _, sc := range []scenario{
		{name: "weak password", body: map[string]any{"token": link, "new_password": "password1234", "recovery_code": p.codes[0]}, status: 400, want: []string{`"field":"new_password"`}},
		{name: "bad recovery code", body: map[string]any{"token": link, "new_password": "a new good passphrase", "recovery_code": "rowid-nope"}, status: 400, want: []string{`"code":"invalid_code"`, `"field":"recovery_code"`}},
		{name: "unknown field", body: map[string]any{"token": link, "new_password": "a new good passphrase", "keep": true}, status: 400, want: []string{`"code":"unknown_field"`}},
		{name: "with recovery code", body: map[string]any{"token": link, "new_password": "a new good passphrase", "recovery_code": p.codes[0]}, status: 200, want: []string{`{"keys_kept":true}`}},
		{name: "link works once", body: map[string]any{"token": link, "new_password": "a new good passphrase", "recovery_code": p.codes[1]}, status: 400, want: []string{`"code":"invalid_token"`}},
	} {
		t.Run(sc.name, func(t *testing.T) {
			sc.method, sc.path = "POST", "/api/v1/password-reset/complete"
			e.check(t, sc)
		})
	}
	e.check(t, scenario{method: "GET", path: "/api/v1/me", token: before, status: 401})
	p.password = "a new good passphrase"
	e.login(p)

	// Without one the call must accept that old messages stay locked.
	e.check(t, scenario{method: "POST", path: "/api/v1/password-reset", body: map[string]string{"email": p.email}, status: 202})
	link = e.linkToken(p.email, "password-reset")
	e.check(t, scenario{method: "POST", path: "/api/v1/password-reset/code", body: map[string]string{"token": link}, status: 202, want: []string{`"sms_sent":true`}})
	code := e.smsCode(p.mobile)
	e.check(t, scenario{method: "POST", path: "/api/v1/password-reset/complete", body: map[string]any{"token": link, "new_password": "yet another passphrase", "code": code}, status: 409, want: []string{`"code":"keys_will_be_lost"`}})
	e.check(t, scenario{method: "POST", path: "/api/v1/password-reset/complete", body: map[string]any{"token": link, "new_password": "yet another passphrase", "code": code, "accept_key_loss": true}, status: 200, want: []string{`"keys_kept":false`, `"recovery_codes":["`}})
	p.password = "yet another passphrase"
	e.login(p)
}

func TestAPISessionsOfTwoAccounts(t *testing.T) {
	e := newEnv(t)
	a := e.signUp("Alice", "+46701234571", "en")
	b := e.signUp("Bob", "+46701234572", "en")
	tokA, _ := e.login(a)
	tokA2, _ := e.login(a)
	tokB, _ := e.login(b)

	ids := func(token string) []string {
		r := e.check(t, scenario{method: "GET", path: "/api/v1/sessions", token: token, status: 200})
		var out struct {
			Items []struct {
				ID      string `json:"id"`
				Current bool   `json:"current"`
			} `json:"items"`
		}
		decode(t, r, &out)
		var current, others []string
		for _, it := range out.Items {
			if it.Current {
				current = append(current, it.ID)
			} else {
				others = append(others, it.ID)
			}
		}
		if len(current) != 1 {
			t.Fatalf("current sessions: %s", r.body)
		}
		return append(current, others...)
	}
	listA, listB := ids(tokA), ids(tokB)
	if len(listA) != 2 || len(listB) != 1 {
		t.Fatalf("A sees %d sessions, B %d", len(listA), len(listB))
	}
	for _, id := range listA {
		if id == listB[0] {
			t.Fatal("A's list holds B's session")
		}
	}
	for _, sc := range []scenario{
		{name: "A cannot end B's session", method: "DELETE", path: "/api/v1/sessions/" + listB[0], token: tokA, status: 404, want: []string{`"code":"not_found"`}},
		{name: "B's session lives", method: "GET", path: "/api/v1/me", token: tokB, status: 200, want: []string{b.email}, notWant: []string{a.email}},
		{name: "no such session", method: "DELETE", path: "/api/v1/sessions/01zzzzzzzzzzzzzzzzzzzzzzzz", token: tokA, status: 404},
		{name: "A ends its other session", method: "DELETE", path: "/api/v1/sessions/" + listA[1], token: tokA, status: 204},
		{name: "which is dead", method: "GET", path: "/api/v1/me", token: tokA2, status: 401},
		{name: "A's current one lives", method: "GET", path: "/api/v1/me", token: tokA, status: 200, want: []string{a.email}},
	} {
		t.Run(sc.name, func(t *testing.T) { e.check(t, sc) })
	}
}

func TestAPIWithBrowserSession(t *testing.T) {
	e := newEnv(t)
	p := e.signUp("Cookie", "+46701234582", "en")
	b := e.browser()
	b.get("/login")
	wantRedirect(t, b.post("/login", "email", p.email, "password", p.password), "/account")
	session := "__Host-session=" + b.jar["__Host-session"]
	bearer, _ := e.login(p)

	for _, tc := range []struct {
		name    string
		headers []string
		status  int
	}{
		{"cookie", []string{"Cookie", session}, 200},
		{"bearer wins over a valid cookie", []string{"Cookie", session, "Authorization", "Bearer not-a-token"}, 401},
		{"bearer with a dead cookie", []string{"Cookie", "__Host-session=dead", "Authorization", "Bearer " + bearer}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := e.do("GET", "/api/v1/me", "", tc.headers...); r.status != tc.status {
				t.Fatalf("status %d, want %d: %s", r.status, tc.status, r.body)
			}
		})
	}

	// A cookie session needs the CSRF header on the API, and a rotation moves its cookie.
	csrf := session + "; __Host-csrf=" + csrfToken
	r := e.do("POST", "/api/v1/me/step-up", "{}", "Content-Type", "application/json", "Cookie", csrf)
	wantStatus(t, r, 403)
	r = e.do("POST", "/api/v1/me/step-up", "{}", "Content-Type", "application/json", "Cookie", csrf, "X-CSRF-Token", csrfToken)
	wantStatus(t, r, 202)
	r = e.do("POST", "/api/v1/me/step-up", `{"code":"`+e.smsCode(p.mobile)+`"}`, "Content-Type", "application/json", "Cookie", csrf, "X-CSRF-Token", csrfToken)
	wantStatus(t, r, 200)
	if strings.Contains(r.body, `"token"`) {
		t.Errorf("a cookie session's new token is in the body: %s", r.body)
	}
	sc, ok := setCookie(r, "__Host-session")
	if !ok || strings.HasPrefix(sc, session+";") {
		t.Fatalf("session cookie not rotated: %q", sc)
	}
	if r := e.do("GET", "/api/v1/me", "", "Cookie", session); r.status != 401 {
		t.Errorf("old cookie still works: %d", r.status)
	}
	r = e.do("DELETE", "/api/v1/sessions/current", "", "Cookie", strings.SplitN(sc, ";", 2)[0]+"; __Host-csrf="+csrfToken, "X-CSRF-Token", csrfToken)
	wantStatus(t, r, 204)
	if sc, _ := setCookie(r, "__Host-session"); !strings.Contains(sc, "max-age=0") {
		t.Errorf("logout did not clear the cookie: %q", sc)
	}
}

func TestRateLimitedAnswers(t *testing.T) {
	e := newEnv(t)
	p := e.signUp("Tess", "+46701234583", "en")
	wrong := map[string]string{"email": p.email, "password": "not the password at all"}
	for i := 0; i < 5; i++ {
		e.check(t, scenario{method: "POST", path: "/api/v1/sessions", body: wrong, status: 401})
	}
	r := e.check(t, scenario{method: "POST", path: "/api/v1/sessions", body: wrong, status: 429, want: []string{`"code":"rate_limited"`}})
	if r.header.Get("Retry-After") == "" {
		t.Error("API answer lacks Retry-After")
	}
	b := e.browser()
	b.get("/login")
	r = b.post("/login", "email", p.email, "password", p.password)
	wantStatus(t, r, 429)
	wantBody(t, r, "Too many attempts. Please try again in", `value="`+p.email+`"`)
	if r.header.Get("Retry-After") == "" {
		t.Error("page answer lacks Retry-After")
	}
	e.clock.Advance(time.Minute)
	wantRedirect(t, b.post("/login", "email", p.email, "password", p.password), "/account")
}
