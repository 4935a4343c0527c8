package auth

import (
	"github.com/gofiber/fiber/v2"
)

// apiTOTPDisable is DELETE /api/v1/me/totp (after step-up).
func (h *HTTP) apiTOTPDisable(c *fiber.Ctx, s *Session) error {
	if err := h.svc.DisableTOTP(c.UserContext(), s, clientOf(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
