package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

// mobileChangeVerify is POST /account/mobile/verify: the code sent to the new number makes
// it the account's mobile, and every other session of the account ends.
func (h *HTTP) mobileChangeVerify(c *fiber.Ctx, s *Session) error {
	if err := h.svc.ConfirmMobileChange(c.UserContext(), s, request.Form(c, "code"), clientOf(c)); err != nil {
		f, status, err := formError(c, err, nil, "code")
		if err != nil {
			return err
		}
		return h.renderMobileChange(c, status, s, true, f)
	}
	request.SetFlash(c, "auth.flash.mobile_changed")
	return redirect(c, "/account")
}
