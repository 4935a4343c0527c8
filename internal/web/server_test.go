package web_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/i18n"
	"github.com/securemailbox/securemailbox/internal/web"
)

var securityHeaders = map[string]string{
	"Content-Security-Policy":      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
	"Strict-Transport-Security":    "max-age=31536000; includeSubDomains",
	"X-Content-Type-Options":       "nosniff",
	"Referrer-Policy":              "no-referrer",
	"Cross-Origin-Opener-Policy":   "same-origin",
	"Cross-Origin-Resource-Policy": "same-origin",
	"Permissions-Policy":           "camera=(), microphone=(), geolocation=()",
	"X-Frame-Options":              "DENY",
}

func TestEveryResponseIsHardened(t *testing.T) {
	e := newEnv(t, web.Options{BodyLimit: 1024})
	e.addr = e.serve(t)
	big := strings.Repeat("x", 4096)
	for _, tc := range []struct {
		name        string
		r           *http.Request
		status      int
		contentType string
		cache       string
		want        []string
		wantNot     []string
		apiCode     string
		overTCP     bool // app.Test reports fasthttp's read errors instead of the response
	}{
		{name: "page", r: req("GET", "/page", ""), status: 200, contentType: "text/html; charset=utf-8", cache: "no-store", want: []string{`lang="en"`}},
		{name: "healthz", r: req("GET", "/healthz", ""), status: 200, cache: "no-store", want: []string{"ok"}},
		{name: "404 html", r: req("GET", "/nope?token=abc", ""), status: 404, contentType: "text/html; charset=utf-8", cache: "no-store",
			want: []string{"We could not find", "<html lang=\"en\""}, wantNot: []string{"Cannot GET", "abc"}},
		{name: "404 api", r: req("GET", "/api/v1/nope", ""), status: 404, contentType: "application/json; charset=utf-8", cache: "no-store", apiCode: "not_found"},
		{name: "405", r: req("GET", "/webhooks/x", ""), status: 405, cache: "no-store", want: []string{"not possible here"}},
		{name: "500 panic", r: req("GET", "/panic", ""), status: 500, contentType: "text/html; charset=utf-8", cache: "no-store",
			want: []string{"Something went wrong"}, wantNot: []string{"secret panic", "half a page"}},
		{name: "500 error", r: req("GET", "/api/v1/boom", ""), status: 500, cache: "no-store", apiCode: "internal", wantNot: []string{"hunter2"}},
		{name: "500 half rendered", r: req("GET", "/broken", ""), status: 500, cache: "no-store", wantNot: []string{"half", "exploded"}},
		{name: "413 api", r: req("POST", "/api/v1/echo", big, "Content-Type", "application/json", "Authorization", "Bearer t"), status: 413, cache: "no-store", apiCode: "too_large", overTCP: true},
		{name: "413 html", r: req("POST", "/form", big, "Content-Type", formType), status: 413, contentType: "text/html; charset=utf-8", cache: "no-store", want: []string{"too large"}, overTCP: true},
		{name: "413 chunked", r: req("POST", "/form", big, "Content-Type", formType, "Transfer-Encoding", "chunked"), status: 413, cache: "no-store", apiCode: "too_large", overTCP: true},
		{name: "static", r: req("GET", "/static/app.css", ""), status: 200, contentType: "text/css; charset=utf-8", cache: "public, max-age=31536000, immutable", want: []string{"margin"}},
		{name: "static svg", r: req("GET", "/static/sub/logo.svg", ""), status: 200, contentType: "image/svg+xml", cache: "public, max-age=31536000, immutable"},
		{name: "static missing", r: req("GET", "/static/nope.css", ""), status: 404, cache: "no-store"},
		{name: "static directory", r: req("GET", "/static/sub", ""), status: 404, cache: "no-store"},
		{name: "static traversal", r: req("GET", "/static/../go.mod", ""), status: 404, cache: "no-store", wantNot: []string{"module"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var resp *http.Response
			var body string
			if tc.overTCP {
				resp, body = e.doTCP(t, tc.r)
			} else {
				resp, body = e.do(t, tc.r)
			}
			if resp.StatusCode != tc.status {
				t.Fatalf("status = %d, want %d; body %q", resp.StatusCode, tc.status, body)
			}
			for k, v := range securityHeaders {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
			if got := resp.Header.Get("Cache-Control"); got != tc.cache {
				t.Errorf("Cache-Control = %q, want %q", got, tc.cache)
			}
			id := resp.Header.Get("X-Request-Id")
			if len(id) != 26 {
				t.Errorf("X-Request-Id = %q, want a ULID", id)
			}
			if tc.contentType != "" && resp.Header.Get("Content-Type") != tc.contentType {
				t.Errorf("Content-Type = %q, want %q", resp.Header.Get("Content-Type"), tc.contentType)
			}
			for _, s := range tc.want {
				if !strings.Contains(body, s) {
					t.Errorf("body lacks %q: %s", s, body)
				}
			}
			for _, s := range tc.wantNot {
				if strings.Contains(body, s) {
					t.Errorf("body contains %q: %s", s, body)
				}
			}
			if tc.apiCode != "" {
				a := decodeAPIErr(t, body)
				if a.Error.Code != tc.apiCode || a.Error.Message == "" || a.Error.Details == nil {
					t.Errorf("error body = %+v, want code %s, a message and details []", a.Error, tc.apiCode)
				}
				if a.Error.RequestID != id {
					t.Errorf("request_id %q != X-Request-Id %q", a.Error.RequestID, id)
				}
			} else if !strings.Contains(resp.Header.Get("Content-Type"), "html") && resp.StatusCode >= 400 {
				t.Errorf("HTML error expected, got %q", resp.Header.Get("Content-Type"))
			}
			if resp.StatusCode >= 400 && !strings.Contains(body, id) {
				t.Errorf("error body does not quote the request id %s", id)
			}
		})
	}

	// Requests fasthttp refuses before routing still show up in the metrics.
	if e.addr == "" {
		e.addr = e.serve(t)
	}
	_, body := e.doTCP(t, req("GET", "/metrics", ""))
	if !strings.Contains(body, `route="(unrouted)",status="413"`) {
		t.Error("413s refused by fasthttp are not counted")
	}
}

func TestRequestIDsAreFreshAndUnique(t *testing.T) {
	e := newEnv(t, web.Options{})
	r1, _ := e.do(t, req("GET", "/healthz", "", "X-Request-Id", "attacker-chosen"))
	r2, _ := e.do(t, req("GET", "/healthz", ""))
	a, b := r1.Header.Get("X-Request-Id"), r2.Header.Get("X-Request-Id")
	if a == "attacker-chosen" || a == b || a == "" {
		t.Errorf("request ids %q, %q: want fresh, distinct ULIDs", a, b)
	}
}

func TestErrorResponses(t *testing.T) {
	e := newEnv(t, web.Options{})

	resp, body := e.do(t, req("GET", "/api/v1/limited", ""))
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" {
		t.Errorf("rate limited: status %d, Retry-After %q; want 429 and 2 (1.5 s rounded up)", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	if a := decodeAPIErr(t, body); a.Error.Code != "rate_limited" || !strings.Contains(a.Error.Message, "2\u00a0s") {
		t.Errorf("rate limited body = %+v", a.Error)
	}

	resp, body = e.do(t, req("GET", "/api/v1/private", ""))
	if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") != "Bearer" {
		t.Errorf("401: status %d, WWW-Authenticate %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
	if a := decodeAPIErr(t, body); a.Error.Code != "unauthenticated" {
		t.Errorf("401 code = %q", a.Error.Code)
	}

	resp, _ = e.do(t, req("GET", "/forbidden", ""))
	if resp.StatusCode != 403 || resp.Header.Get("WWW-Authenticate") != "" {
		t.Errorf("403 html: status %d, WWW-Authenticate %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}

	_, _ = e.do(t, req("GET", "/api/v1/boom", ""))
	_, _ = e.do(t, req("GET", "/panic", ""))
	logs := e.logs.String()
	for _, want := range []string{"hunter2", "secret panic detail 42"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks the detail %q", want)
		}
	}
	if !strings.Contains(logs, "level=ERROR") || !strings.Contains(logs, "stack=") {
		t.Errorf("5xx and panics must be logged at ERROR with a stack:\n%s", logs)
	}
}

func TestCustomErrorPage(t *testing.T) {
	var gotStatus int
	var gotID string
	e := newEnv(t, web.Options{}, func(d *web.Deps) {
		d.ErrorPage = func(c *fiber.Ctx, status int, message, requestID string) templ.Component {
			gotStatus, gotID = status, requestID
			return templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
				_, err := io.WriteString(w, "<p>custom: "+templ.EscapeString(message)+"</p>")
				return err
			})
		}
	})
	resp, body := e.do(t, req("GET", "/forbidden", ""))
	if resp.StatusCode != 403 || !strings.Contains(body, "custom: You are not allowed") {
		t.Errorf("custom page: %d %q", resp.StatusCode, body)
	}
	if gotStatus != 403 || gotID != resp.Header.Get("X-Request-Id") {
		t.Errorf("ErrorPage got status %d id %q", gotStatus, gotID)
	}

	// A failing error page falls back to the built-in one instead of leaving nothing.
	e = newEnv(t, web.Options{}, func(d *web.Deps) {
		d.ErrorPage = func(*fiber.Ctx, int, string, string) templ.Component {
			return templ.ComponentFunc(func(context.Context, io.Writer) error { panic("page bug") })
		}
	})
	resp, body = e.do(t, req("GET", "/forbidden", ""))
	if resp.StatusCode != 403 || !strings.Contains(body, "You are not allowed") || strings.Contains(body, "page bug") {
		t.Errorf("fallback page: %d %q", resp.StatusCode, body)
	}
}

func TestAccessLogUsesRoutePatterns(t *testing.T) {
	e := newEnv(t, web.Options{})
	_, _ = e.do(t, req("GET", "/things/id-4711?token=SECRET-TOKEN", "", "Authorization", "Bearer BEARER-SECRET", "Cookie", "__Host-session=COOKIE-SECRET"))
	logs := e.logs.String()
	if !strings.Contains(logs, "route=/things/:id") || !strings.Contains(logs, "status=200") || !strings.Contains(logs, "request_id=") {
		t.Errorf("access log lacks route pattern, status or request id:\n%s", logs)
	}
	for _, secret := range []string{"id-4711", "SECRET-TOKEN", "BEARER-SECRET", "COOKIE-SECRET"} {
		if strings.Contains(logs, secret) {
			t.Errorf("log contains %q:\n%s", secret, logs)
		}
	}
}

func TestMetrics(t *testing.T) {
	e := newEnv(t, web.Options{})
	_, _ = e.do(t, req("GET", "/things/1", ""))
	_, _ = e.do(t, req("GET", "/things/2", ""))
	_, _ = e.do(t, req("GET", "/nope/secret-id", ""))
	// Only a scraper on this machine, talking directly, may read them.
	if resp, _ := e.do(t, req("GET", "/metrics", "")); resp.StatusCode != 404 {
		t.Fatalf("metrics to a non-loopback peer: %d", resp.StatusCode)
	}
	e.addr = e.serve(t)
	if resp, _ := e.doTCP(t, req("GET", "/metrics", "", "X-Forwarded-For", "203.0.113.7")); resp.StatusCode != 404 {
		t.Fatalf("metrics through a proxy: %d", resp.StatusCode)
	}
	resp, body := e.doTCP(t, req("GET", "/metrics", ""))
	if resp.StatusCode != 200 {
		t.Fatalf("metrics status %d", resp.StatusCode)
	}
	for _, want := range []string{
		`securemailbox_http_requests_total{method="GET",route="/things/:id",status="200"} 2`,
		`securemailbox_http_request_duration_seconds_count{method="GET",route="/things/:id"} 2`,
		`securemailbox_http_requests_total{method="GET",route="/",status="404"} 1`,
		"go_goroutines",
		"process_cpu_seconds_total",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	if strings.Contains(body, "secret-id") {
		t.Error("a raw path became a label")
	}
	if resp.Header.Get("Content-Security-Policy") == "" {
		t.Error("metrics response lacks the security headers")
	}
}

func TestStaticInDevIsRevalidated(t *testing.T) {
	e := newEnv(t, web.Options{Dev: true})
	resp, _ := e.do(t, req("GET", "/static/app.css", ""))
	if got := resp.Header.Get("Cache-Control"); got != "no-cache" {
		t.Errorf("dev Cache-Control = %q, want no-cache", got)
	}
}

func TestReadyz(t *testing.T) {
	for _, tc := range []struct {
		name   string
		ready  func(context.Context) error
		status int
	}{
		{"no check", nil, 200},
		{"ok", func(context.Context) error { return nil }, 200},
		{"db down", func(context.Context) error { return errors.New("dial tcp: refused") }, 503},
		{"deadline", func(ctx context.Context) error {
			dl, ok := ctx.Deadline()
			if !ok || time.Until(dl) > 2*time.Second {
				return errors.New("no 2 s deadline")
			}
			return nil
		}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, web.Options{}, func(d *web.Deps) { d.Ready = tc.ready })
			resp, body := e.do(t, req("GET", "/readyz", ""))
			if resp.StatusCode != tc.status {
				t.Errorf("status %d, want %d (%s)", resp.StatusCode, tc.status, body)
			}
			if strings.Contains(body, "refused") {
				t.Errorf("readyz leaks the cause: %s", body)
			}
		})
	}
}

func TestNewRejectsBadOptions(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts web.Options
	}{
		{"bad proxy", web.Options{TrustedProxies: []string{"10.0.0.0/33"}}},
		{"bad proxy ip", web.Options{TrustedProxies: []string{"proxy.example"}}},
		{"cert without key", web.Options{TLSCert: "cert.pem"}},
		{"redirect without tls", web.Options{RedirectAddr: "127.0.0.1:0"}},
		{"missing files", web.Options{TLSCert: "nope.pem", TLSKey: "nope.key"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := i18n.New()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := web.New(tc.opts, web.Deps{I18n: b}); err == nil {
				t.Error("New accepted bad options")
			}
		})
	}
}
