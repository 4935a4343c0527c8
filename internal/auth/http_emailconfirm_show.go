package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
	"github.com/securemailbox/securemailbox/views/auth"
)

// emailConfirmShow is GET /verify/email/:token, the page the e-mailed link opens. It
// changes nothing (mail scanners follow links); its button posts the token.
func (h *HTTP) emailConfirmShow(c *fiber.Ctx) error {
	return request.Render(c, fiber.StatusOK, auth.ConfirmEmail(h.Page(c, "confirm_email"), param(c, "token")))
}
