package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
	"github.com/securemailbox/securemailbox/views/account"
	"github.com/securemailbox/securemailbox/views/components"
)

// backupPhonePath is the backup phone page.
const backupPhonePath = "/account/backup-phone"

// backupPhoneShow is GET /account/backup-phone. Setting a number needs a step-up, so the
// step-up comes first, before anything is typed; a number waiting for its code can be
// confirmed without one.
func (h *HTTP) backupPhoneShow(c *fiber.Ctx, s *Session) error {
	if s.Account.BackupPhonePending == nil && !h.svc.StepUpValid(s) {
		return toStepUp(c, backupPhonePath)
	}
	return h.renderBackupPhone(c, fiber.StatusOK, s, components.Form{})
}

func (h *HTTP) renderBackupPhone(c *fiber.Ctx, status int, s *Session, f components.Form) error {
	return request.Render(c, status, account.BackupPhone(h.Page(c, "backup_phone"), account.BackupPhoneProps{
		Current: s.Account.VerifiedBackupPhone(), Pending: s.Account.BackupPhonePending != nil, Form: f,
	}))
}
