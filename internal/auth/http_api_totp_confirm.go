package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

type codeRequest struct {
	Code string `json:"code"`
}

type recoveryCodesResponse struct {
	RecoveryCodes []string `json:"recovery_codes"`
}

// apiTOTPConfirm is POST /api/v1/me/totp/confirm: a code from the new secret turns TOTP on
// and issues new recovery codes.
func (h *HTTP) apiTOTPConfirm(c *fiber.Ctx, s *Session) error {
	var in codeRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	codes, err := h.svc.ConfirmTOTP(c.UserContext(), s, in.Code, clientOf(c))
	if err != nil {
		return withField(err, "code")
	}
	return request.JSON(c, fiber.StatusOK, recoveryCodesResponse{RecoveryCodes: codes})
}
