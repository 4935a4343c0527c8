package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/securemailbox/securemailbox/internal/web"
)

func TestCSRF(t *testing.T) {
	cookie := "__Host-csrf=" + token
	for _, tc := range []struct {
		name    string
		r       *http.Request
		status  int
		apiCode string // for /api/ requests
	}{
		{"form without token", req("POST", "/form", form("name", "x"), "Content-Type", formType), 403, ""},
		{"cookie without field", req("POST", "/form", form("name", "x"), "Content-Type", formType, "Cookie", cookie), 403, ""},
		{"field without cookie", req("POST", "/form", form("_csrf", token), "Content-Type", formType), 403, ""},
		{"wrong token", req("POST", "/form", form("_csrf", other), "Content-Type", formType, "Cookie", cookie), 403, ""},
		{"empty cookie and field", req("POST", "/form", form("_csrf", ""), "Content-Type", formType, "Cookie", "__Host-csrf="), 403, ""},
		{"malformed cookie echoed", req("POST", "/form", form("_csrf", "short"), "Content-Type", formType, "Cookie", "__Host-csrf=short"), 403, ""},
		{"token only in query", req("POST", "/form?_csrf="+token, form("name", "x"), "Content-Type", formType, "Cookie", cookie), 403, ""},
		{"cookie and field", req("POST", "/form", form("_csrf", token, "name", " x "), "Content-Type", formType, "Cookie", cookie), 200, ""},
		{"cookie and header", req("POST", "/form", form("name", "x"), "Content-Type", formType, "Cookie", cookie, "X-CSRF-Token", token), 200, ""},
		{"multipart field", multipart(t, token, cookie), 200, ""},
		{"same-origin fetch", req("POST", "/form", form("_csrf", token), "Content-Type", formType, "Cookie", cookie, "Sec-Fetch-Site", "same-origin"), 200, ""},
		{"cross-site fetch", req("POST", "/form", form("_csrf", token), "Content-Type", formType, "Cookie", cookie, "Sec-Fetch-Site", "cross-site"), 403, ""},
		// On pages a bearer token does not switch the check off (they run on cookie sessions).
		{"page bearer without token", req("POST", "/form", form("name", "x"), "Content-Type", formType, "Authorization", "Bearer abc"), 403, ""},
		{"empty bearer", req("POST", "/form", form("name", "x"), "Content-Type", formType, "Authorization", "Bearer "), 403, ""},
		{"basic auth is no bearer", req("POST", "/form", form("name", "x"), "Content-Type", formType, "Authorization", "Basic YTpi"), 403, ""},
		{"webhook", req("POST", "/webhooks/x", "{}", "Content-Type", "application/json"), 200, ""},
		{"api cookie session without header", req("POST", "/api/v1/echo", `{"name":"a"}`, "Content-Type", "application/json", "Cookie", cookie), 403, "csrf_failed"},
		{"api cookie session with header", req("POST", "/api/v1/echo", `{"name":"a"}`, "Content-Type", "application/json", "Cookie", cookie, "X-CSRF-Token", token), 201, ""},
		{"api bearer", req("POST", "/api/v1/echo", `{"name":"a"}`, "Content-Type", "application/json", "Authorization", "Bearer abc"), 201, ""},
		{"delete without token", req("DELETE", "/api/v1/echo", "", "Cookie", cookie), 403, "csrf_failed"},
		{"api without cookies", req("POST", "/api/v1/echo", `{"name":"a"}`, "Content-Type", "application/json"), 201, ""},
		{"api with an unrelated cookie", req("POST", "/api/v1/echo", `{"name":"a"}`, "Content-Type", "application/json", "Cookie", "__Host-lang=sv"), 403, "csrf_failed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, web.Options{})
			resp, body := e.do(t, tc.r)
			if resp.StatusCode != tc.status {
				t.Fatalf("status = %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			isForm := strings.HasPrefix(tc.r.URL.Path, "/form")
			if isForm && e.ran.Load() != (tc.status == 200) {
				t.Errorf("handler ran = %v with status %d", e.ran.Load(), tc.status)
			}
			if tc.status == 403 {
				if tc.apiCode != "" {
					if a := decodeAPIErr(t, body); a.Error.Code != tc.apiCode {
						t.Errorf("code = %q, want %q", a.Error.Code, tc.apiCode)
					}
				} else if !strings.Contains(body, "The form expired or came from another site") {
					t.Errorf("page lacks the CSRF message: %s", body)
				}
			}
			if tc.name == "cookie and field" && body != "done:x" {
				t.Errorf("Form did not trim: %q", body)
			}
		})
	}
}

func TestCSRFCookieIsIssuedWhenAFormNeedsIt(t *testing.T) {
	e := newEnv(t, web.Options{})
	resp, body := e.do(t, req("GET", "/page", ""))
	sc, ok := setCookie(resp, "__Host-csrf")
	if !ok {
		t.Fatal("first GET of a page with a form set no CSRF cookie")
	}
	for _, attr := range []string{"path=/", "secure", "httponly", "samesite=lax"} {
		if !strings.Contains(strings.ToLower(sc), attr) {
			t.Errorf("cookie %q lacks %s", sc, attr)
		}
	}
	if strings.Contains(strings.ToLower(sc), "domain=") {
		t.Errorf("cookie %q has a Domain", sc)
	}
	tok := regexp.MustCompile(`name="_csrf" value="([A-Za-z0-9_-]{43})"`).FindStringSubmatch(body)
	if tok == nil || !strings.HasPrefix(sc, "__Host-csrf="+tok[1]+";") {
		t.Fatalf("form token %v does not match cookie %q", tok, sc)
	}

	// The next page keeps the token instead of issuing another.
	resp, body = e.do(t, req("GET", "/page", "", "Cookie", "__Host-csrf="+tok[1]))
	if _, ok := setCookie(resp, "__Host-csrf"); ok {
		t.Error("a second cookie was issued although the first is valid")
	}
	if !strings.Contains(body, tok[1]) {
		t.Error("the form lost the token")
	}

	resp, _ = e.do(t, req("POST", "/form", form("_csrf", tok[1]), "Content-Type", formType, "Cookie", "__Host-csrf="+tok[1]))
	if resp.StatusCode != 200 {
		t.Errorf("POST with the issued token: %d", resp.StatusCode)
	}

	// Probes, the API and static assets get no cookie.
	for _, p := range []string{"/healthz", "/api/v1/nope", "/static/app.css"} {
		resp, _ := e.do(t, req("GET", p, ""))
		if len(resp.Header.Values("Set-Cookie")) > 0 {
			t.Errorf("%s sets cookies: %v", p, resp.Header.Values("Set-Cookie"))
		}
	}
}

func multipart(t *testing.T, tok, cookie string) *http.Request {
	t.Helper()
	body := "--B\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + tok + "\r\n--B--\r\n"
	return req("POST", "/form", body, "Content-Type", "multipart/form-data; boundary=B", "Cookie", cookie)
}
