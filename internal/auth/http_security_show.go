package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
	"github.com/securemailbox/securemailbox/views/account"
	"github.com/securemailbox/securemailbox/views/components"
)

// securityShow is GET /account/security ("ID control"): authenticator app, recovery codes
// and backup phone.
func (h *HTTP) securityShow(c *fiber.Ctx, s *Session) error {
	return h.renderSecurity(c, fiber.StatusOK, s, components.Form{})
}

// renderSecurity shows the ID control page, with f as the state of the older-keys form.
func (h *HTTP) renderSecurity(c *fiber.Ctx, status int, s *Session, f components.Form) error {
	p, err := h.svc.Me(c.UserContext(), s)
	if err != nil {
		return err
	}
	locked, err := h.svc.LockedKeys(c.UserContext(), s)
	if err != nil {
		return err
	}
	a := p.Account
	props := account.SecurityProps{TOTPEnabled: a.TOTPEnabled(), RecoveryCodesLeft: p.RecoveryCodesLeft, LockedKeys: locked, RecoverForm: f}
	if phone := a.VerifiedBackupPhone(); phone != "" {
		props.BackupPhone, props.BackupPhoneVerified = phone, true
	} else if a.BackupPhonePending != nil {
		props.BackupPhone = *a.BackupPhonePending
	}
	return request.Render(c, status, account.Security(h.Page(c, "security"), props))
}
