package request_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/i18n"
	"github.com/securemailbox/securemailbox/internal/web/request"
)

func TestPrinterFollowsTheAccountLocale(t *testing.T) {
	b, err := i18n.New()
	if err != nil {
		t.Fatal(err)
	}
	app := fiber.New()
	app.Use(func(c *fiber.Ctx) error {
		request.SetLanguages(c, b, "", func(c *fiber.Ctx) string {
			s, _ := c.Locals("locale").(string)
			return s
		})
		return c.Next()
	})
	app.Get("/", func(c *fiber.Ctx) error {
		before := request.Printer(c).Lang()
		c.Locals("locale", "sv") // a login during the request
		after := i18n.FromContext(request.Context(c)).Lang()
		request.SetLang(c, "en")
		return c.SendString(before + " " + after + " " + request.Printer(c).Lang())
	})
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Accept-Language", "en")
	resp, err := app.Test(r)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if got := string(body); got != "en sv en" {
		t.Errorf("languages = %q, want %q", got, "en sv en")
	}
}

func TestMisuseIsLoud(t *testing.T) {
	app := fiber.New()
	for path, f := range map[string]func(*fiber.Ctx){
		"/no-prefix": func(c *fiber.Ctx) { request.SetCookie(c, "session", "x", 0) },
		"/no-lang":   func(c *fiber.Ctx) { request.Printer(c) },
	} {
		app.Get(path, func(c *fiber.Ctx) (err error) {
			defer func() {
				if recover() == nil {
					err = c.SendString("no panic")
				}
			}()
			f(c)
			return nil
		})
	}
	for _, p := range []string{"/no-prefix", "/no-lang"} {
		resp, err := app.Test(httptest.NewRequest("GET", p, nil))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		if strings.Contains(string(body), "no panic") {
			t.Errorf("%s did not panic", p)
		}
	}
}
