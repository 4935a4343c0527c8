package web_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/securemailbox/securemailbox/internal/fault"
	"github.com/securemailbox/securemailbox/internal/web"
)

func TestDecodeJSON(t *testing.T) {
	e := newEnv(t, web.Options{})
	for _, tc := range []struct {
		name, ctype, body string
		status            int
		code              string
		details           []fault.Detail
	}{
		{"ok", "application/json", `{"name":"a","count":2}`, 201, "", nil},
		{"ok with charset", "application/json; charset=utf-8", `{"name":"a"}`, 201, "", nil},
		{"unknown field", "application/json", `{"name":"a","role":"admin"}`, 400, "unknown_field", []fault.Detail{{Field: "role", Code: "unknown_field"}}},
		{"wrong type", "application/json", `{"count":"many"}`, 400, "invalid_request", []fault.Detail{{Field: "count", Code: "wrong_type"}}},
		{"trailing garbage", "application/json", `{"name":"a"} x`, 400, "invalid_request", nil},
		{"two values", "application/json", `{"name":"a"}{"name":"b"}`, 400, "invalid_request", nil},
		{"truncated", "application/json", `{"name":`, 400, "invalid_request", nil},
		{"empty", "application/json", ``, 400, "invalid_request", nil},
		{"not an object", "application/json", `[1]`, 400, "invalid_request", nil},
		{"text/plain", "text/plain", `{"name":"a"}`, 415, "unsupported_media_type", nil},
		{"no content type", "", `{"name":"a"}`, 415, "unsupported_media_type", nil},
		{"other charset", "application/json; charset=latin1", `{"name":"a"}`, 415, "unsupported_media_type", nil},
		{"form", formType, `name=a`, 415, "unsupported_media_type", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := []string{"Authorization", "Bearer t"}
			if tc.ctype != "" {
				h = append(h, "Content-Type", tc.ctype)
			}
			resp, body := e.do(t, req("POST", "/api/v1/echo", tc.body, h...))
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			if tc.status == 201 {
				if !strings.Contains(body, `"name":"a"`) || resp.Header.Get("Content-Type") != "application/json; charset=utf-8" {
					t.Errorf("echo: %s (%s)", body, resp.Header.Get("Content-Type"))
				}
				return
			}
			a := decodeAPIErr(t, body)
			if a.Error.Code != tc.code {
				t.Errorf("code %q, want %q", a.Error.Code, tc.code)
			}
			if len(tc.details) != len(a.Error.Details) || (len(tc.details) > 0 && (tc.details[0].Field != a.Error.Details[0].Field || tc.details[0].Code != a.Error.Details[0].Code)) {
				t.Errorf("details %+v, want %+v", a.Error.Details, tc.details)
			}
			if strings.Contains(body, "json:") {
				t.Errorf("decoder error text leaked: %s", body)
			}
		})
	}
}

func TestFlash(t *testing.T) {
	e := newEnv(t, web.Options{})
	resp, _ := e.do(t, req("GET", "/flash/set", ""))
	sc, ok := setCookie(resp, "__Host-flash")
	if resp.StatusCode != 303 || !ok || !strings.HasPrefix(sc, "__Host-flash=web.error.home;") {
		t.Fatalf("flash not set: %d %q", resp.StatusCode, sc)
	}
	for _, tc := range []struct {
		name, cookie, want string
	}{
		{"shown once in the page's language", "web.error.home", "Gå till startsidan"},
		{"markup is no key", "<script>alert(1)</script>", ""},
		{"unknown key", "no.such.key", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := e.do(t, req("GET", "/page", "", "Cookie", "__Host-flash="+tc.cookie, "Accept-Language", "sv"))
			if tc.want != "" && !strings.Contains(body, tc.want) {
				t.Errorf("page lacks the notice %q: %s", tc.want, body)
			}
			if strings.Contains(body, "<script>") || strings.Contains(body, "no.such.key") {
				t.Errorf("cookie content reached the page: %s", body)
			}
			sc, ok := setCookie(resp, "__Host-flash")
			if !ok || !strings.Contains(strings.ToLower(sc), "max-age=0") {
				t.Errorf("flash cookie not cleared: %q", sc)
			}
		})
	}
}

func TestUserAgent(t *testing.T) {
	e := newEnv(t, web.Options{})
	_, body := e.do(t, req("GET", "/ua", "", "User-Agent", strings.Repeat("é", 300)))
	if n := utf8.RuneCountInString(body); n != 200 || !utf8.ValidString(body) {
		t.Errorf("user agent kept %d runes (valid %v), want 200", n, utf8.ValidString(body))
	}
}
