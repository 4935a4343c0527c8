package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

type resetCompleteRequest struct {
	Token         string `json:"token"`
	NewPassword   string `json:"new_password"`
	Code          string `json:"code"`
	RecoveryCode  string `json:"recovery_code"`
	AcceptKeyLoss bool   `json:"accept_key_loss"`
}

type resetCompleteResponse struct {
	KeysKept      bool     `json:"keys_kept"`
	RecoveryCodes []string `json:"recovery_codes,omitempty"` // new codes for new keys, shown once
}

// apiResetComplete is POST /api/v1/password-reset/complete. A recovery code keeps the
// account's keys; without one the call must accept that old messages stay locked.
func (h *HTTP) apiResetComplete(c *fiber.Ctx) error {
	var in resetCompleteRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	res, err := h.svc.CompletePasswordReset(c.UserContext(), ResetInput(in), clientOf(c))
	if err != nil {
		return withField(err, resetField(err, in.RecoveryCode != ""))
	}
	return request.JSON(c, fiber.StatusOK, resetCompleteResponse(res))
}
