package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

// backupPhoneVerify is POST /account/backup-phone/verify: the code sent to the new number.
func (h *HTTP) backupPhoneVerify(c *fiber.Ctx, s *Session) error {
	if err := h.svc.VerifyBackupPhone(c.UserContext(), s, request.Form(c, "code"), clientOf(c)); err != nil {
		f, status, err := formError(c, err, nil, "code")
		if err != nil {
			return err
		}
		return h.renderBackupPhone(c, status, s, f)
	}
	request.SetFlash(c, "auth.flash.backup_phone_set")
	return redirect(c, "/account/security")
}
