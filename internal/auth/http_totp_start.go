package auth

import (
	"github.com/gofiber/fiber/v2"
)

// totpSetupPath is the page that shows a new authenticator secret.
const totpSetupPath = "/account/totp/setup"

// totpStart is POST /account/totp/start: creates the pending secret and shows it, through
// a step-up first unless the session has a fresh one (the step-up then creates it).
func (h *HTTP) totpStart(c *fiber.Ctx, s *Session) error {
	if !h.svc.StepUpValid(s) {
		return toStepUp(c, totpSetupPath)
	}
	if _, err := h.svc.BeginTOTP(c.UserContext(), s); err != nil {
		return err
	}
	return redirect(c, totpSetupPath)
}
