package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
	"github.com/securemailbox/securemailbox/views/account"
)

// securityShow is GET /account/security ("ID control"): authenticator app, recovery codes
// and backup phone.
func (h *HTTP) securityShow(c *fiber.Ctx, s *Session) error {
	p, err := h.svc.Me(c.UserContext(), s)
	if err != nil {
		return err
	}
	a := p.Account
	props := account.SecurityProps{TOTPEnabled: a.TOTPEnabled(), RecoveryCodesLeft: p.RecoveryCodesLeft}
	if phone := a.VerifiedBackupPhone(); phone != "" {
		props.BackupPhone, props.BackupPhoneVerified = phone, true
	} else if a.BackupPhonePending != nil {
		props.BackupPhone = *a.BackupPhonePending
	}
	return request.Render(c, fiber.StatusOK, account.Security(h.Page(c, "security"), props))
}
