package auth

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
	"github.com/securemailbox/securemailbox/views/auth"
)

// totpConfirm is POST /account/totp/confirm: a code from the app turns TOTP on. The answer
// shows the new recovery codes once and offers a backup phone next. A wrong code shows the
// same secret again.
func (h *HTTP) totpConfirm(c *fiber.Ctx, s *Session) error {
	codes, err := h.svc.ConfirmTOTP(c.UserContext(), s, request.Form(c, "code"), clientOf(c))
	if errors.Is(err, ErrStepUpRequired) {
		return toStepUp(c, totpSetupPath) // the step-up ran out: a new one shows a new secret
	}
	if err != nil {
		f, status, ferr := formError(c, err, nil, "code")
		if ferr != nil {
			return ferr
		}
		setup, perr := h.svc.PendingTOTP(s)
		if perr != nil {
			return err
		}
		return h.renderTOTPSetup(c, status, setup, f)
	}
	return request.Render(c, fiber.StatusOK, auth.RecoveryCodes(h.Page(c, "recovery_codes"), auth.RecoveryCodesProps{
		Codes: codes, Next: "/account/backup-phone",
	}))
}
