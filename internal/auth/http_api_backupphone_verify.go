package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

type backupPhoneVerifyResponse struct {
	BackupPhone string `json:"backup_phone"`
}

// apiBackupPhoneVerify is POST /api/v1/me/backup-phone/verify: the code sent to the new
// backup phone confirms it.
func (h *HTTP) apiBackupPhoneVerify(c *fiber.Ctx, s *Session) error {
	var in codeRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.svc.VerifyBackupPhone(c.UserContext(), s, in.Code, clientOf(c)); err != nil {
		return withField(err, "code")
	}
	return request.JSON(c, fiber.StatusOK, backupPhoneVerifyResponse{BackupPhone: s.Account.VerifiedBackupPhone()})
}
