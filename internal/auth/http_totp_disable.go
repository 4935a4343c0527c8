package auth

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

// totpDisable is POST /account/totp/disable (after step-up).
func (h *HTTP) totpDisable(c *fiber.Ctx, s *Session) error {
	err := h.svc.DisableTOTP(c.UserContext(), s, clientOf(c))
	if errors.Is(err, ErrStepUpRequired) {
		return toStepUp(c, "/account/security")
	}
	if err != nil {
		return err
	}
	request.SetFlash(c, "auth.flash.totp_disabled")
	return redirect(c, "/account/security")
}
