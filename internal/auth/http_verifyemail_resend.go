package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

// verifyEmailResend is POST /verify/resend-email: a new verification link to the logged-in
// account's address (a session is needed, so nobody can make us mail someone else's).
func (h *HTTP) verifyEmailResend(c *fiber.Ctx, s *Session) error {
	if err := h.svc.ResendVerifyEmail(c.UserContext(), s); err != nil {
		f, status, err := formError(c, err, nil, "")
		if err != nil {
			return err
		}
		return h.renderVerify(c, status, s.Account.ID, f)
	}
	request.SetFlash(c, "auth.flash.email_sent")
	return redirect(c, "/verify")
}
