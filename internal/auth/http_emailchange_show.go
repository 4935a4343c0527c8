package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
	"github.com/securemailbox/securemailbox/views/account"
	"github.com/securemailbox/securemailbox/views/components"
)

// emailChangePath is the change-of-address page.
const emailChangePath = "/account/email"

// emailChangeShow is GET /account/email. A new address needs a step-up, so the step-up
// comes first, before anything is typed.
func (h *HTTP) emailChangeShow(c *fiber.Ctx, s *Session) error {
	if !h.svc.StepUpValid(s) {
		return toStepUp(c, emailChangePath)
	}
	return h.renderEmailChange(c, fiber.StatusOK, s, components.Form{})
}

func (h *HTTP) renderEmailChange(c *fiber.Ctx, status int, s *Session, f components.Form) error {
	return request.Render(c, status, account.Email(h.Page(c, "email"), account.EmailProps{
		Current: s.Account.Email, Form: f,
	}))
}
