package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

type localeRequest struct {
	Locale string `json:"locale"`
}

// apiLocaleUpdate is PUT /api/v1/me/locale: the language of the account's pages, e-mail
// and SMS.
func (h *HTTP) apiLocaleUpdate(c *fiber.Ctx, s *Session) error {
	var in localeRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.svc.SetLocale(c.UserContext(), s, in.Locale); err != nil {
		return withField(err, "locale")
	}
	return request.JSON(c, fiber.StatusOK, localeRequest{Locale: s.Account.Locale})
}
