package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
	"github.com/securemailbox/securemailbox/views/home"
)

// homeShow is GET /: the landing page, or the account for someone logged in.
func (h *HTTP) homeShow(c *fiber.Ctx) error {
	if SessionFrom(c) != nil {
		return redirect(c, "/account")
	}
	return request.Render(c, fiber.StatusOK, home.Landing(h.Page(c, "home")))
}
