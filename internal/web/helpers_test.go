package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/fault"
	"github.com/securemailbox/securemailbox/internal/i18n"
	"github.com/securemailbox/securemailbox/internal/web"
	"github.com/securemailbox/securemailbox/internal/web/request"
)

// token is a well-formed CSRF token (43 base64url characters); other is a second one.
const (
	token = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	other = "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB"
)

// syncBuffer collects log output written from server goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type areaFunc func(r fiber.Router)

func (f areaFunc) Mount(r fiber.Router) { f(r) }

// env is a server with a test area whose routes exercise the middleware.
type env struct {
	srv  *web.Server
	logs *syncBuffer
	ran  atomic.Bool // set by POST /form, to prove a refused request never reached it
	addr string      // of the real listener, once doTCP started one
}

func newEnv(t *testing.T, opts web.Options, modify ...func(*web.Deps)) *env {
	t.Helper()
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	e := &env{logs: &syncBuffer{}}
	deps := web.Deps{
		Logger: slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		I18n:   b,
		Static: fstest.MapFS{
			"app.css":      {Data: []byte("body{margin:0}")},
			"sub/logo.svg": {Data: []byte("<svg/>")},
		},
		AccountLocale: func(c *fiber.Ctx) string {
			s, _ := c.Locals("account-locale").(string)
			return s
		},
		Areas: []web.Area{areaFunc(e.mount)},
	}
	for _, m := range modify {
		m(&deps)
	}
	e.srv, err = web.New(opts, deps)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) mount(r fiber.Router) {
	// Stands in for the auth middleware: it learns the account's locale after the web
	// middleware has run.
	r.Use(func(c *fiber.Ctx) error {
		if l := c.Get("X-Test-Account-Locale"); l != "" {
			c.Locals("account-locale", strings.Clone(l))
		}
		return c.Next()
	})
	r.Get("/page", func(c *fiber.Ctx) error {
		return request.Render(c, http.StatusOK, templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
			_, err := fmt.Fprintf(w, `<p lang="%s">%s</p><form><input name="_csrf" value="%s"></form>`,
				i18n.FromContext(ctx).Lang(), request.Flash(c), request.CSRF(c))
			return err
		}))
	})
	r.Get("/things/:id", func(c *fiber.Ctx) error { return c.SendString("thing") })
	r.Get("/panic", func(c *fiber.Ctx) error {
		_ = c.SendString("half a page")
		panic("secret panic detail 42")
	})
	r.Get("/forbidden", func(c *fiber.Ctx) error { return fault.ErrForbidden })
	r.Get("/setlang", func(c *fiber.Ctx) error {
		request.SetLang(c, "sv")
		return fault.ErrForbidden
	})
	r.Get("/broken", func(c *fiber.Ctx) error {
		return request.Render(c, http.StatusOK, templ.ComponentFunc(func(_ context.Context, w io.Writer) error {
			_, _ = io.WriteString(w, "<p>half")
			return errors.New("template exploded")
		}))
	})
	r.Post("/form", func(c *fiber.Ctx) error {
		e.ran.Store(true)
		return c.SendString("done:" + request.Form(c, "name"))
	})
	r.Post("/webhooks/x", func(c *fiber.Ctx) error { return c.SendString("hook") })
	r.Get("/flash/set", func(c *fiber.Ctx) error {
		request.SetFlash(c, "web.error.home")
		return c.Redirect("/page", http.StatusSeeOther)
	})
	r.Get("/ip", func(c *fiber.Ctx) error { return c.SendString(request.ClientIP(c)) })
	r.Get("/ua", func(c *fiber.Ctx) error { return c.SendString(request.UserAgent(c)) })

	api := r.Group("/api/v1")
	api.Post("/echo", func(c *fiber.Ctx) error {
		var in struct {
			Name  string `json:"name"`
			Count int    `json:"count"`
		}
		if err := request.DecodeJSON(c, &in); err != nil {
			return err
		}
		return request.JSON(c, http.StatusCreated, in)
	})
	api.Get("/limited", func(c *fiber.Ctx) error { return fault.ErrRateLimited.After(1500 * time.Millisecond) })
	api.Get("/private", func(c *fiber.Ctx) error { return fault.ErrUnauthenticated })
	api.Get("/boom", func(c *fiber.Ctx) error { return errors.New("db: password=hunter2 refused") })
}

// req builds a request; headers come in name, value pairs.
func req(method, target, body string, headers ...string) *http.Request {
	var r *http.Request
	if body == "" {
		r = httptest.NewRequest(method, target, nil)
	} else {
		r = httptest.NewRequest(method, target, strings.NewReader(body))
	}
	for i := 0; i+1 < len(headers); i += 2 {
		r.Header.Add(headers[i], headers[i+1])
	}
	return r
}

func form(values ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(values); i += 2 {
		v.Add(values[i], values[i+1])
	}
	return v.Encode()
}

const formType = "application/x-www-form-urlencoded"

func (e *env) do(t *testing.T, r *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := e.srv.App().Test(r, 5000)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// serve runs the server on a loopback listener until the test ends and returns its address.
func (e *env) serve(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.srv.Run(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	return ln.Addr().String()
}

// doTCP sends r over the real listener of e.serve, with a Content-Length unless r asks
// for "Transfer-Encoding: chunked".
func (e *env) doTCP(t *testing.T, r *http.Request) (*http.Response, string) {
	t.Helper()
	if e.addr == "" {
		t.Fatal("doTCP needs e.addr = e.serve(t) in the test")
	}
	u := *r.URL
	u.Scheme, u.Host = "http", e.addr
	body, err := io.ReadAll(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	out, err := http.NewRequest(r.Method, u.String(), bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if r.Header.Get("Transfer-Encoding") == "chunked" {
		out.ContentLength = -1 // unknown length: sent chunked
	}
	out.Header = r.Header.Clone()
	out.Header.Del("Transfer-Encoding")
	resp, err := http.DefaultClient.Do(out)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// apiErr decodes the API's error body.
type apiErr struct {
	Error struct {
		Code      string         `json:"code"`
		Message   string         `json:"message"`
		RequestID string         `json:"request_id"`
		Details   []fault.Detail `json:"details"`
	} `json:"error"`
}

func decodeAPIErr(t *testing.T, body string) apiErr {
	t.Helper()
	var a apiErr
	if err := json.Unmarshal([]byte(body), &a); err != nil {
		t.Fatalf("not an API error body: %v: %q", err, body)
	}
	return a
}

func setCookie(resp *http.Response, name string) (string, bool) {
	for _, v := range resp.Header.Values("Set-Cookie") {
		if strings.HasPrefix(v, name+"=") {
			return v, true
		}
	}
	return "", false
}
