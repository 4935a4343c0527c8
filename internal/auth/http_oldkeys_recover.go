package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

// oldKeysRecover is POST /account/keys/recover: a recovery code from before a password reset
// opens that older key pair again, so the messages encrypted to it become readable.
func (h *HTTP) oldKeysRecover(c *fiber.Ctx, s *Session) error {
	if _, err := h.svc.RecoverOldKey(c.UserContext(), s, request.Form(c, "recovery_code"), clientOf(c)); err != nil {
		f, status, err := formError(c, err, nil, "recovery_code")
		if err != nil {
			return err
		}
		return h.renderSecurity(c, status, s, f)
	}
	request.SetFlash(c, "auth.flash.keys_recovered")
	return redirect(c, "/account/security")
}
