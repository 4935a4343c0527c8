package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
	"github.com/securemailbox/securemailbox/views/auth"
	"github.com/securemailbox/securemailbox/views/components"
)

// loginShow is GET /login?next=PATH. The login form does not carry next, so a local next
// is kept in a short-lived cookie until the login (and its second step) completes.
func (h *HTTP) loginShow(c *fiber.Ctx) error {
	next := localNext(query(c, "next"))
	if SessionFrom(c) != nil {
		return redirect(c, orDefault(next, "/account"))
	}
	if next != "" {
		request.SetCookie(c, nextCookie, next, nextMaxAge)
	} else {
		forget(c, nextCookie)
	}
	return request.Render(c, fiber.StatusOK, auth.Login(h.Page(c, "login"), components.Form{}))
}

// loginNext is where a completed login goes: the form's next, the remembered one, or the
// account page.
func loginNext(c *fiber.Ctx) string {
	if next := localNext(request.Form(c, "next")); next != "" {
		return next
	}
	return orDefault(localNext(cookie(c, nextCookie)), "/account")
}
