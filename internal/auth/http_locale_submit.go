package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

// localeSubmit is POST /account/locale. The account's language becomes the choice of its
// pages, so an earlier explicit choice of this browser is dropped.
func (h *HTTP) localeSubmit(c *fiber.Ctx, s *Session) error {
	if err := h.svc.SetLocale(c.UserContext(), s, request.Form(c, "locale")); err != nil {
		return withField(err, "locale")
	}
	forget(c, request.LangCookie)
	request.SetFlash(c, "auth.flash.locale_saved")
	return redirect(c, "/account")
}
