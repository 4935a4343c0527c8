package auth

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
	"github.com/securemailbox/securemailbox/views/auth"
)

// recoveryCodesRenew is POST /account/recovery-codes (after step-up): a new set, shown
// once; the old codes stop working.
func (h *HTTP) recoveryCodesRenew(c *fiber.Ctx, s *Session) error {
	codes, err := h.svc.NewRecoveryCodes(c.UserContext(), s, clientOf(c))
	if errors.Is(err, ErrStepUpRequired) {
		return toStepUp(c, "/account/security")
	}
	if err != nil {
		return err
	}
	return request.Render(c, fiber.StatusOK, auth.RecoveryCodes(h.Page(c, "recovery_codes"), auth.RecoveryCodesProps{
		Codes: codes, Next: "/account/security",
	}))
}
