package auth

import (
	"net/url"

	"github.com/gofiber/fiber/v2"
)

// resetCodeSend is POST /password-reset/:token/code: an SMS code for the reset.
func (h *HTTP) resetCodeSend(c *fiber.Ctx) error {
	token := param(c, "token")
	if err := h.svc.SendResetCode(c.UserContext(), token, false, clientOf(c)); err != nil {
		f, status, err := formError(c, err, nil, "")
		if err != nil {
			return err
		}
		return h.renderReset(c, status, false, f)
	}
	return redirect(c, "/password-reset/"+url.PathEscape(token)+"?sms=sent")
}
