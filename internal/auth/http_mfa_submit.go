package auth

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

// mfaSubmit is POST /login/mfa: a TOTP or SMS code, or a recovery code. Success replaces
// the pending token by a new full session; the pending one is dead.
func (h *HTTP) mfaSubmit(c *fiber.Ctx) error {
	in := MFAInput{Code: request.Form(c, "code"), RecoveryCode: request.Form(c, "recovery_code")}
	iss, err := h.svc.CompleteMFA(c.UserContext(), cookie(c, mfaCookie), in, clientOf(c))
	if errors.Is(err, ErrUnauthenticated) {
		return h.mfaGone(c, err)
	}
	if err != nil {
		field := "code"
		if in.RecoveryCode != "" {
			field = "recovery_code"
		}
		f, status, err := formError(c, err, nil, field)
		if err != nil {
			return err
		}
		return h.renderMFA(c, status, false, f)
	}
	next := loginNext(c)
	if err := h.startSession(c, iss); err != nil {
		return err
	}
	return redirect(c, next)
}
