package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
	"github.com/securemailbox/securemailbox/views/account"
)

// profileShow is GET /account: name, addresses and their status, and the language.
func (h *HTTP) profileShow(c *fiber.Ctx, s *Session) error {
	a := s.Account
	return request.Render(c, fiber.StatusOK, account.Profile(h.Page(c, "profile"), account.ProfileProps{
		Name: a.Name, Email: a.Email, EmailVerified: a.EmailVerifiedAt != nil,
		Mobile: a.Mobile, MobileVerified: a.MobileVerifiedAt != nil,
		Locale: a.Locale, Languages: h.svc.i18n.Languages(),
	}))
}
