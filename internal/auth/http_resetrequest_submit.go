package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
	"github.com/securemailbox/securemailbox/views/auth"
)

// resetRequestSubmit is POST /password-reset: known addresses get a link by e-mail; every
// address gets the same answer.
func (h *HTTP) resetRequestSubmit(c *fiber.Ctx) error {
	email := request.Form(c, "email")
	if err := h.svc.RequestPasswordReset(c.UserContext(), email, clientOf(c)); err != nil {
		f, status, err := formError(c, err, map[string]string{"email": email}, "email")
		if err != nil {
			return err
		}
		return request.Render(c, status, auth.ResetRequest(h.Page(c, "reset_request"), f))
	}
	return redirect(c, "/password-reset?sent=1")
}
