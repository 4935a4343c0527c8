package auth_test

import (
	"bytes"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/securemailbox/securemailbox/internal/audit"
	"github.com/securemailbox/securemailbox/internal/auth"
	"github.com/securemailbox/securemailbox/internal/i18n"
	"github.com/securemailbox/securemailbox/internal/keys"
	"github.com/securemailbox/securemailbox/internal/notify"
	"github.com/securemailbox/securemailbox/internal/testkit"
	"github.com/securemailbox/securemailbox/internal/web"
	"github.com/securemailbox/securemailbox/tenants"
)

// csrfToken is a well-formed CSRF token (43 base64url characters) for browser requests.
const csrfToken = "CCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC"

var (
	codeRE    = regexp.MustCompile(`\b(\d{6})\b`)
	linkRE    = regexp.MustCompile(`/(verify/email|password-reset)/([A-Za-z0-9_-]{43})`)
	secretRE  = regexp.MustCompile(`data-secret="([A-Z2-7]+)"`)
	recoverRE = regexp.MustCompile(`data-testid="recovery-code">([^<]+)<`)
)

// env is the whole web server with the auth area and the dev outbox on a fresh SQLite
// database, real keys and a fake clock.
type env struct {
	t     *testing.T
	srv   *web.Server
	svc   *auth.Service
	clock *testkit.Clock
}

func newEnv(t *testing.T) *env {
	t.Helper()
	bdb, _ := testkit.NewSQLite(t)
	clock := testkit.NewClock(time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	bundle, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	master, err := keys.GenerateMasterKeyring()
	if err != nil {
		t.Fatal(err)
	}
	outbox := notify.NewOutbox(clock.Now)
	svc := auth.New(auth.Options{BaseURL: "https://mail.test", Now: clock.Now}, auth.Deps{
		DB: bdb, Master: master, Hasher: keys.NewHasher(keys.TestKDFParams(), 2),
		Mailer: outbox, SMS: outbox,
		Tenants: tenants.New(tenants.NewBunStore(bdb), tenants.Options{DefaultRegion: "se", Now: clock.Now}),
		Audit:   audit.NewStore(bdb), I18n: bundle,
	})
	t.Cleanup(svc.Drain)
	h := auth.NewHTTP(svc, auth.HTTPOptions{Dev: true})
	srv, err := web.New(web.Options{Dev: true}, web.Deps{
		I18n:          bundle,
		Areas:         []web.Area{h, web.NewDevOutbox(outbox, h.Page)},
		AccountLocale: h.AccountLocale,
		ErrorPage:     h.ErrorPage,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, srv: srv, svc: svc, clock: clock}
}

// result is a response with its body read.
type result struct {
	status int
	header http.Header
	body   string
	resp   *http.Response
}

// do sends one request through the fiber app; headers are name, value pairs.
func (e *env) do(method, path, body string, headers ...string) result {
	e.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
	}
	resp, err := e.srv.App().Test(req, -1)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	_ = resp.Body.Close()
	return result{status: resp.StatusCode, header: resp.Header, body: string(b), resp: resp}
}

// api sends a JSON request; body is marshalled unless it is a string; token is a bearer.
func (e *env) api(method, path string, body any, token string) result {
	e.t.Helper()
	var raw string
	switch b := body.(type) {
	case nil:
	case string:
		raw = b
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		raw = string(j)
	}
	headers := []string{"Accept-Language", "en"}
	if raw != "" {
		headers = append(headers, "Content-Type", "application/json")
	}
	if token != "" {
		headers = append(headers, "Authorization", "Bearer "+token)
	}
	return e.do(method, path, raw, headers...)
}

// scenario is one request with what its answer must and must not contain.
type scenario struct {
	name    string
	method  string
	path    string
	body    any
	token   string
	status  int
	want    []string
	notWant []string
}

func (e *env) check(t *testing.T, sc scenario) result {
	t.Helper()
	r := e.api(sc.method, sc.path, sc.body, sc.token)
	if r.status != sc.status {
		t.Fatalf("%s %s: status %d, want %d: %s", sc.method, sc.path, r.status, sc.status, r.body)
	}
	for _, w := range sc.want {
		if !strings.Contains(r.body, w) {
			t.Errorf("%s %s: body lacks %q: %s", sc.method, sc.path, w, r.body)
		}
	}
	for _, w := range sc.notWant {
		if strings.Contains(r.body, w) {
			t.Errorf("%s %s: body has %q: %s", sc.method, sc.path, w, r.body)
		}
	}
	return r
}

// decode parses a JSON body into v.
func decode(t *testing.T, r result, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.body), v); err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
}

// outbox reads the dev outbox through its API, newest first.
func (e *env) outbox(to string) []notify.Item {
	e.t.Helper()
	r := e.api("GET", "/api/v1/dev/outbox?to="+url.QueryEscape(to), nil, "")
	if r.status != 200 {
		e.t.Fatalf("outbox: %d %s", r.status, r.body)
	}
	var out struct{ Items []notify.Item }
	decode(e.t, r, &out)
	return out.Items
}

// smsCode is the code of the newest SMS to phone.
func (e *env) smsCode(phone string) string {
	e.t.Helper()
	for _, it := range e.outbox(phone) {
		if m := codeRE.FindStringSubmatch(it.Body); it.Channel == notify.ChannelSMS && m != nil {
			return m[1]
		}
	}
	e.t.Fatalf("no SMS code to %s", phone)
	return ""
}

// linkToken is the token of the newest e-mailed link of kind ("verify/email" or
// "password-reset") to addr.
func (e *env) linkToken(addr, kind string) string {
	e.t.Helper()
	e.svc.Drain()
	for _, it := range e.outbox(addr) {
		if m := linkRE.FindStringSubmatch(it.Body); m != nil && m[1] == kind {
			return m[2]
		}
	}
	e.t.Fatalf("no %s link mailed to %s", kind, addr)
	return ""
}

// totpCode is the code of secret at the fake clock's time.
func (e *env) totpCode(secret string) string {
	e.t.Helper()
	code, err := totp.GenerateCode(secret, e.clock.Now())
	if err != nil {
		e.t.Fatal(err)
	}
	return code
}

// person is an account made through the API.
type person struct {
	id, name, email, mobile, password string
	codes                             []string
}

func (e *env) signUp(name, mobile, locale string) person {
	e.t.Helper()
	p := person{name: name, email: testkit.Name(strings.ToLower(name)) + "@example.com", mobile: mobile,
		password: "correct battery horse staple " + name}
	r := e.api("POST", "/api/v1/accounts", map[string]string{
		"email": p.email, "password": p.password, "mobile": mobile, "name": name, "locale": locale,
	}, "")
	if r.status != 201 {
		e.t.Fatalf("sign up: %d %s", r.status, r.body)
	}
	var out struct {
		ID            string   `json:"id"`
		RecoveryCodes []string `json:"recovery_codes"`
	}
	decode(e.t, r, &out)
	p.id, p.codes = out.ID, out.RecoveryCodes
	return p
}

// login returns the token of a fresh API session (or the MFA-pending token).
func (e *env) login(p person) (token string, mfa bool) {
	e.t.Helper()
	r := e.api("POST", "/api/v1/sessions", map[string]string{"email": p.email, "password": p.password}, "")
	if r.status != 201 {
		e.t.Fatalf("login: %d %s", r.status, r.body)
	}
	var out struct {
		Token       string `json:"token"`
		MFARequired bool   `json:"mfa_required"`
	}
	decode(e.t, r, &out)
	return out.Token, out.MFARequired
}

// stepUp does an SMS step-up of token and returns the rotated token.
func (e *env) stepUp(token, phone string) string {
	e.t.Helper()
	if r := e.api("POST", "/api/v1/me/step-up", map[string]string{}, token); r.status != 202 {
		e.t.Fatalf("step-up sms: %d %s", r.status, r.body)
	}
	r := e.api("POST", "/api/v1/me/step-up", map[string]string{"code": e.smsCode(phone)}, token)
	if r.status != 200 {
		e.t.Fatalf("step-up: %d %s", r.status, r.body)
	}
	var out struct {
		Token string `json:"token"`
	}
	decode(e.t, r, &out)
	return out.Token
}

// browser keeps cookies like a browser and sends forms with the CSRF token.
type browser struct {
	e   *env
	jar map[string]string
}

func (e *env) browser() *browser {
	return &browser{e: e, jar: map[string]string{"__Host-csrf": csrfToken}}
}

func (b *browser) cookieHeader() string {
	var parts []string
	for k, v := range b.jar {
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, "; ")
}

func (b *browser) keep(r result) {
	for _, c := range r.resp.Cookies() {
		if c.MaxAge < 0 || c.Value == "" {
			delete(b.jar, c.Name)
		} else {
			b.jar[c.Name] = c.Value
		}
	}
}

func (b *browser) get(path string) result {
	b.e.t.Helper()
	r := b.e.do("GET", path, "", "Cookie", b.cookieHeader(), "Accept-Language", "en")
	b.keep(r)
	return r
}

// post sends a form with the given name, value pairs and the CSRF field.
func (b *browser) post(path string, fields ...string) result {
	b.e.t.Helper()
	return b.postRaw(path, append(fields, "_csrf", csrfToken)...)
}

// postRaw sends a form with exactly the given fields.
func (b *browser) postRaw(path string, fields ...string) result {
	b.e.t.Helper()
	v := url.Values{}
	for i := 0; i+1 < len(fields); i += 2 {
		v.Add(fields[i], fields[i+1])
	}
	r := b.e.do("POST", path, v.Encode(),
		"Content-Type", "application/x-www-form-urlencoded", "Cookie", b.cookieHeader(), "Accept-Language", "en")
	b.keep(r)
	return r
}

// setCookie returns the Set-Cookie header for name.
func setCookie(r result, name string) (string, bool) {
	for _, v := range r.header.Values("Set-Cookie") {
		if strings.HasPrefix(v, name+"=") {
			return v, true
		}
	}
	return "", false
}

func wantStatus(t *testing.T, r result, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
}

func wantRedirect(t *testing.T, r result, location string) {
	t.Helper()
	if r.status != http.StatusSeeOther || r.header.Get("Location") != location {
		t.Fatalf("status %d Location %q, want 303 %q: %s", r.status, r.header.Get("Location"), location, r.body)
	}
}

// jsonKeys is the sorted list of top-level keys of a JSON object.
func jsonKeys(t *testing.T, body string) string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("decode %q: %v", body, err)
	}
	return strings.Join(slices.Sorted(maps.Keys(m)), ",")
}

// isPNG reports whether b starts with the PNG signature.
func isPNG(b []byte) bool { return bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) }
