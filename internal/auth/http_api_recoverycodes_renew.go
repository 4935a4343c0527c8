package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

// apiRecoveryCodesRenew is POST /api/v1/me/recovery-codes (after step-up): a new set; the
// old codes stop working.
func (h *HTTP) apiRecoveryCodesRenew(c *fiber.Ctx, s *Session) error {
	if err := decodeOptional(c, &struct{}{}); err != nil {
		return err
	}
	codes, err := h.svc.NewRecoveryCodes(c.UserContext(), s, clientOf(c))
	if err != nil {
		return err
	}
	return request.JSON(c, fiber.StatusOK, recoveryCodesResponse{RecoveryCodes: codes})
}
