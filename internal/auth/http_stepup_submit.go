package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

// stepUpSubmit is POST /account/step-up: the SMS or TOTP code. The session is rotated into
// one that may do sensitive actions for a few minutes; its new token replaces the old one
// in the cookie, and the old token is dead.
func (h *HTTP) stepUpSubmit(c *fiber.Ctx, s *Session) error {
	next := localNext(request.Form(c, "next"))
	iss, err := h.svc.StepUp(c.UserContext(), s, request.Form(c, "code"), clientOf(c))
	if err != nil {
		f, status, err := formError(c, err, nil, "code")
		if err != nil {
			return err
		}
		return h.renderStepUp(c, status, s, next, false, f)
	}
	h.setSessionCookie(c, iss)
	request.SetFlash(c, "auth.flash.step_up_done")
	if next == totpSetupPath {
		// The step-up was for "I have installed an authenticator app": create the secret
		// now, in this POST, so the setup page it leads to only shows it.
		ns, err := h.svc.Authenticate(c.UserContext(), iss.Token)
		if err != nil {
			return err
		}
		if _, err := h.svc.BeginTOTP(c.UserContext(), ns); err != nil {
			return err
		}
	}
	return redirect(c, orDefault(next, "/account/security"))
}
