package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
	"github.com/securemailbox/securemailbox/views/auth"
	"github.com/securemailbox/securemailbox/views/components"
)

// resetRequestShow is GET /password-reset: the form, or (?sent=1) the answer everyone
// gets after sending it.
func (h *HTTP) resetRequestShow(c *fiber.Ctx) error {
	if query(c, "sent") == "1" {
		return request.Render(c, fiber.StatusOK, auth.ResetSent(h.Page(c, "reset_sent")))
	}
	return request.Render(c, fiber.StatusOK, auth.ResetRequest(h.Page(c, "reset_request"), components.Form{}))
}
