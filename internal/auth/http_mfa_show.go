package auth

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
	"github.com/securemailbox/securemailbox/views/auth"
	"github.com/securemailbox/securemailbox/views/components"
)

// mfaShow is GET /login/mfa: the second step of a login (?sms=sent after a code was sent).
func (h *HTTP) mfaShow(c *fiber.Ctx) error {
	return h.renderMFA(c, fiber.StatusOK, query(c, "sms") == "sent", components.Form{})
}

// renderMFA shows the second step for the pending login of the MFA cookie. Without a live
// pending login the visitor starts again at /login.
func (h *HTTP) renderMFA(c *fiber.Ctx, status int, smsSent bool, f components.Form) error {
	st, err := h.svc.MFA(c.UserContext(), cookie(c, mfaCookie))
	if err != nil {
		return h.mfaGone(c, err)
	}
	return request.Render(c, status, auth.MFA(h.Page(c, "mfa"), auth.MFAProps{
		HasTOTP: st.HasTOTP, HasBackupPhone: st.BackupPhoneMasked != "", BackupPhoneMasked: st.BackupPhoneMasked,
		SMSSent: smsSent, Form: f,
	}))
}

// mfaGone handles a pending login that expired or was used up: back to the login form.
func (h *HTTP) mfaGone(c *fiber.Ctx, err error) error {
	if !errors.Is(err, ErrUnauthenticated) {
		return err
	}
	forget(c, mfaCookie)
	request.SetFlash(c, "auth.flash.login_expired")
	return redirect(c, "/login")
}
