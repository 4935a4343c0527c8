package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

type tenantItem struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
}

type meResponse struct {
	ID                string       `json:"id"`
	Email             string       `json:"email"`
	Name              string       `json:"name"`
	Mobile            string       `json:"mobile"`
	Locale            string       `json:"locale"`
	TOTPEnabled       bool         `json:"totp_enabled"`
	BackupPhone       *string      `json:"backup_phone"`
	EmailVerified     bool         `json:"email_verified"`
	MobileVerified    bool         `json:"mobile_verified"`
	RecoveryCodesLeft int          `json:"recovery_codes_left"`
	Tenants           []tenantItem `json:"tenants"`
}

// apiMeShow is GET /api/v1/me: the account's profile and the tenants it belongs to.
func (h *HTTP) apiMeShow(c *fiber.Ctx, s *Session) error {
	p, err := h.svc.Me(c.UserContext(), s)
	if err != nil {
		return err
	}
	a := p.Account
	out := meResponse{
		ID: a.ID, Email: a.Email, Name: a.Name, Mobile: a.Mobile, Locale: a.Locale,
		TOTPEnabled: a.TOTPEnabled(), EmailVerified: a.EmailVerifiedAt != nil, MobileVerified: a.MobileVerifiedAt != nil,
		RecoveryCodesLeft: p.RecoveryCodesLeft, Tenants: make([]tenantItem, 0, len(p.Memberships)),
	}
	if phone := a.VerifiedBackupPhone(); phone != "" {
		out.BackupPhone = &phone
	}
	for _, m := range p.Memberships {
		out.Tenants = append(out.Tenants, tenantItem{ID: m.TenantID, Name: m.TenantName, Role: m.Role})
	}
	return request.JSON(c, fiber.StatusOK, out)
}
