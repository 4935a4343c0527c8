package auth

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

// passwordSubmit is POST /account/password (after step-up): the new password. The private
// key is re-sealed under it, and every other session of the account ends.
func (h *HTTP) passwordSubmit(c *fiber.Ctx, s *Session) error {
	err := h.svc.ChangePassword(c.UserContext(), s, request.FormRaw(c, "new_password"), clientOf(c))
	if errors.Is(err, ErrStepUpRequired) {
		return toStepUp(c, passwordPath)
	}
	if err != nil {
		f, status, err := formError(c, err, nil, "new_password")
		if err != nil {
			return err
		}
		return h.renderPassword(c, status, f)
	}
	request.SetFlash(c, "auth.flash.password_changed")
	return redirect(c, "/account/security")
}
