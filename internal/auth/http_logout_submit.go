package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

// logoutSubmit is POST /logout: ends the session, and a login still waiting for its
// second step, and clears the login cookies.
func (h *HTTP) logoutSubmit(c *fiber.Ctx) error {
	for _, token := range []string{authOf(c).token, cookie(c, mfaCookie)} {
		if err := h.svc.Logout(c.UserContext(), token); err != nil {
			return err
		}
	}
	clearLogin(c)
	request.SetFlash(c, "auth.flash.logged_out")
	return redirect(c, "/")
}
