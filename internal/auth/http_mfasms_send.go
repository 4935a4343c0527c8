package auth

import (
	"errors"

	"github.com/gofiber/fiber/v2"
)

// mfaSMSSend is POST /login/mfa/sms: a login code to the verified backup phone.
func (h *HTTP) mfaSMSSend(c *fiber.Ctx) error {
	err := h.svc.SendLoginSMS(c.UserContext(), cookie(c, mfaCookie), clientOf(c))
	if errors.Is(err, ErrUnauthenticated) {
		return h.mfaGone(c, err)
	}
	if err != nil {
		f, status, err := formError(c, err, nil, "")
		if err != nil {
			return err
		}
		return h.renderMFA(c, status, false, f)
	}
	return redirect(c, "/login/mfa?sms=sent")
}
