package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
	"github.com/securemailbox/securemailbox/views/account"
	"github.com/securemailbox/securemailbox/views/components"
)

// passwordPath is the change-password page.
const passwordPath = "/account/password"

// passwordShow is GET /account/password. Changing the password needs a step-up, so the
// step-up comes first, before anything is typed.
func (h *HTTP) passwordShow(c *fiber.Ctx, s *Session) error {
	if !h.svc.StepUpValid(s) {
		return toStepUp(c, passwordPath)
	}
	return h.renderPassword(c, fiber.StatusOK, components.Form{})
}

func (h *HTTP) renderPassword(c *fiber.Ctx, status int, f components.Form) error {
	return request.Render(c, status, account.Password(h.Page(c, "password"), f))
}
