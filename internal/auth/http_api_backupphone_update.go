package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

type backupPhoneRequest struct {
	Mobile string `json:"mobile"`
}

// apiBackupPhoneUpdate is PUT /api/v1/me/backup-phone (after step-up): the number waits for
// the code sent to it.
func (h *HTTP) apiBackupPhoneUpdate(c *fiber.Ctx, s *Session) error {
	var in backupPhoneRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.svc.SetBackupPhone(c.UserContext(), s, in.Mobile, clientOf(c)); err != nil {
		return withField(err, "mobile")
	}
	return request.JSON(c, fiber.StatusAccepted, smsSentResponse{SMSSent: true})
}
