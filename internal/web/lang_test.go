package web_test

import (
	"strings"
	"testing"

	"github.com/securemailbox/securemailbox/internal/web"
)

func TestLanguage(t *testing.T) {
	e := newEnv(t, web.Options{})
	for _, tc := range []struct {
		name    string
		path    string
		headers []string
		want    string
	}{
		{"default", "/forbidden", nil, "You are not allowed"},
		{"accept-language sv", "/forbidden", []string{"Accept-Language", "sv-SE,sv;q=0.9"}, "Du har inte behörighet"},
		{"accept-language sv api", "/api/v1/nope", []string{"Accept-Language", "sv"}, "Vi kunde inte hitta"},
		{"unsupported falls back", "/forbidden", []string{"Accept-Language", "de"}, "You are not allowed"},
		{"cookie beats accept-language", "/forbidden", []string{"Cookie", "__Host-lang=sv", "Accept-Language", "en"}, "Du har inte behörighet"},
		{"bad cookie ignored", "/forbidden", []string{"Cookie", "__Host-lang=xx", "Accept-Language", "sv"}, "Du har inte behörighet"},
		{"account locale after auth middleware", "/forbidden", []string{"X-Test-Account-Locale", "sv", "Accept-Language", "en"}, "Du har inte behörighet"},
		{"cookie beats account", "/forbidden", []string{"Cookie", "__Host-lang=en", "X-Test-Account-Locale", "sv"}, "You are not allowed"},
		{"SetLang", "/setlang", []string{"Accept-Language", "en"}, "Du har inte behörighet"},
		{"csrf message in sv", "/form", []string{"Accept-Language", "sv"}, "Formuläret har gått ut"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			method := "GET"
			if tc.path == "/form" {
				method = "POST"
			}
			_, body := e.do(t, req(method, tc.path, "", tc.headers...))
			if !strings.Contains(body, tc.want) {
				t.Errorf("body lacks %q: %s", tc.want, body)
			}
		})
	}
	_, body := e.do(t, req("GET", "/page", "", "Accept-Language", "sv"))
	if !strings.Contains(body, `lang="sv"`) {
		t.Errorf("templates do not get the Swedish printer: %s", body)
	}
}

func TestSetLang(t *testing.T) {
	e := newEnv(t, web.Options{})
	for _, tc := range []struct {
		next, location string
	}{
		{"/inbox?folder=sent", "/inbox?folder=sent"},
		{"", "/"},
		{"//evil.example", "/"},
		{"//evil.example/path", "/"},
		{"https://evil.example", "/"},
		{"/\\evil.example", "/"},
		{"/\t/evil.example", "/"},
		{"evil.example", "/"},
		{"javascript:alert(1)", "/"},
	} {
		t.Run(tc.next, func(t *testing.T) {
			resp, _ := e.do(t, req("POST", "/lang", form("lang", "sv", "next", tc.next, "_csrf", token),
				"Content-Type", formType, "Cookie", "__Host-csrf="+token))
			if resp.StatusCode != 303 || resp.Header.Get("Location") != tc.location {
				t.Fatalf("status %d Location %q, want 303 %q", resp.StatusCode, resp.Header.Get("Location"), tc.location)
			}
			sc, ok := setCookie(resp, "__Host-lang")
			if !ok || !strings.HasPrefix(sc, "__Host-lang=sv;") {
				t.Fatalf("lang cookie = %q", sc)
			}
			for _, attr := range []string{"path=/", "secure", "httponly", "samesite=lax", "max-age="} {
				if !strings.Contains(strings.ToLower(sc), attr) {
					t.Errorf("cookie %q lacks %s", sc, attr)
				}
			}
		})
	}

	resp, _ := e.do(t, req("POST", "/lang", form("lang", "xx", "_csrf", token), "Content-Type", formType, "Cookie", "__Host-csrf="+token))
	if resp.StatusCode != 400 {
		t.Errorf("unsupported language: status %d", resp.StatusCode)
	}
	resp, _ = e.do(t, req("POST", "/lang", form("lang", "sv"), "Content-Type", formType))
	if resp.StatusCode != 403 {
		t.Errorf("POST /lang without CSRF token: status %d", resp.StatusCode)
	}
}
