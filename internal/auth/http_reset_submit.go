package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
	"github.com/securemailbox/securemailbox/views/auth"
)

// resetSubmit is POST /password-reset/:token: the new password with a second factor, and
// optionally a recovery code that keeps the old messages readable. Afterwards every
// session has ended, so the person logs in again.
func (h *HTTP) resetSubmit(c *fiber.Ctx) error {
	in := ResetInput{
		Token:         param(c, "token"),
		NewPassword:   request.FormRaw(c, "new_password"),
		Code:          request.Form(c, "code"),
		RecoveryCode:  request.Form(c, "recovery_code"),
		AcceptKeyLoss: request.Form(c, "accept_key_loss") == "1",
	}
	res, err := h.svc.CompletePasswordReset(c.UserContext(), in, clientOf(c))
	if err != nil {
		f, status, err := formError(c, err, nil, resetField(err, in.RecoveryCode != ""))
		if err != nil {
			return err
		}
		return h.renderReset(c, status, false, f)
	}
	clearLogin(c)
	if res.KeysKept {
		request.SetFlash(c, "auth.flash.password_reset_kept")
		return redirect(c, "/login")
	}
	// New keys come with new recovery codes: shown once, then on to the login.
	request.SetFlash(c, "auth.flash.password_reset_new_keys")
	return request.Render(c, fiber.StatusOK, auth.RecoveryCodes(h.Page(c, "recovery_codes"), auth.RecoveryCodesProps{
		Codes: res.RecoveryCodes, Next: "/login",
	}))
}
