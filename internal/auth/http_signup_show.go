package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
	"github.com/securemailbox/securemailbox/views/auth"
	"github.com/securemailbox/securemailbox/views/components"
)

// signupShow is GET /signup.
func (h *HTTP) signupShow(c *fiber.Ctx) error {
	return request.Render(c, fiber.StatusOK, auth.Signup(h.Page(c, "signup"), components.Form{}))
}
