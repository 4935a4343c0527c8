package auth

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

// emailChangeSubmit is POST /account/email (after step-up): a link goes to the new address,
// which becomes the account's when the link is opened (/verify/email/:token); until then
// the current address stays.
func (h *HTTP) emailChangeSubmit(c *fiber.Ctx, s *Session) error {
	email := request.Form(c, "email")
	current := s.Account.Email
	err := h.svc.RequestEmailChange(c.UserContext(), s, email, clientOf(c))
	if errors.Is(err, ErrStepUpRequired) {
		return toStepUp(c, emailChangePath)
	}
	if err != nil {
		f, status, err := formError(c, err, map[string]string{"email": email}, "email")
		if err != nil {
			return err
		}
		return h.renderEmailChange(c, status, s, f)
	}
	if n, _ := NormalizeEmail(email); n == current {
		// The service sends nothing for the address the account already has.
		request.SetFlash(c, "auth.flash.email_unchanged")
	} else {
		request.SetFlash(c, "auth.flash.email_change_sent")
	}
	return redirect(c, "/account")
}
