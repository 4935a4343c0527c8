package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

type resetCodeRequest struct {
	Token       string `json:"token"`
	BackupPhone bool   `json:"backup_phone"` // send to the verified backup phone instead
}

// apiResetCodeSend is POST /api/v1/password-reset/code: an SMS code for the reset, to the
// account's mobile (or its verified backup phone). With TOTP on, SMS is not enough and no
// code is sent.
func (h *HTTP) apiResetCodeSend(c *fiber.Ctx) error {
	var in resetCodeRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.svc.SendResetCode(c.UserContext(), in.Token, in.BackupPhone, clientOf(c)); err != nil {
		return err
	}
	return request.JSON(c, fiber.StatusAccepted, smsSentResponse{SMSSent: true})
}
