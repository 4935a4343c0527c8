package auth

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

// backupPhoneSubmit is POST /account/backup-phone (after step-up): the new number gets a
// code, which the same page then takes.
func (h *HTTP) backupPhoneSubmit(c *fiber.Ctx, s *Session) error {
	mobile := request.Form(c, "mobile")
	err := h.svc.SetBackupPhone(c.UserContext(), s, mobile, clientOf(c))
	if errors.Is(err, ErrStepUpRequired) {
		return toStepUp(c, backupPhonePath)
	}
	if err != nil {
		f, status, err := formError(c, err, map[string]string{"mobile": mobile}, "mobile")
		if err != nil {
			return err
		}
		return h.renderBackupPhone(c, status, s, f)
	}
	request.SetFlash(c, "auth.flash.backup_code_sent")
	return redirect(c, backupPhonePath)
}
