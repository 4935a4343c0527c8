package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

// emailVerify is POST /verify/email: the token of the e-mailed link. A bad or used link
// gets the error page, which says to ask for a new one.
func (h *HTTP) emailVerify(c *fiber.Ctx) error {
	if err := h.svc.VerifyEmail(c.UserContext(), request.Form(c, "token"), clientOf(c)); err != nil {
		return err
	}
	if SessionFrom(c) != nil {
		request.SetFlash(c, "auth.flash.email_verified")
		return redirect(c, "/account")
	}
	request.SetFlash(c, "auth.flash.email_verified_login")
	return redirect(c, "/login")
}
