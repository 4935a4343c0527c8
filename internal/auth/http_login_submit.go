package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
	"github.com/securemailbox/securemailbox/views/auth"
)

// loginSubmit is POST /login: e-mail and password. An account with TOTP continues at
// /login/mfa with a token that is good only for the second step, in its own cookie.
func (h *HTTP) loginSubmit(c *fiber.Ctx) error {
	email := request.Form(c, "email")
	iss, err := h.svc.Login(c.UserContext(), email, request.FormRaw(c, "password"), clientOf(c))
	if err != nil {
		f, status, err := formError(c, err, map[string]string{"email": email}, "")
		if err != nil {
			return err
		}
		return request.Render(c, status, auth.Login(h.Page(c, "login"), f))
	}
	if iss.MFARequired {
		request.SetCookie(c, mfaCookie, iss.Token, h.untilExpiry(iss.ExpiresAt))
		if next := localNext(request.Form(c, "next")); next != "" {
			request.SetCookie(c, nextCookie, next, nextMaxAge)
		}
		return redirect(c, "/login/mfa")
	}
	next := loginNext(c)
	if err := h.startSession(c, iss); err != nil {
		return err
	}
	return redirect(c, next)
}
