package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/fault"
	"github.com/securemailbox/securemailbox/internal/web/request"
)

// mobileCodeResend is POST /verify/resend-sms: a new sign-up SMS code.
func (h *HTTP) mobileCodeResend(c *fiber.Ctx) error {
	id := verifyAccountID(c)
	if id == "" {
		return fault.ErrInvalid.Field("account", "required")
	}
	if err := h.svc.ResendMobileCode(c.UserContext(), id, clientOf(c)); err != nil {
		f, status, err := formError(c, err, nil, "")
		if err != nil {
			return err
		}
		return h.renderVerify(c, status, id, f)
	}
	request.SetFlash(c, "auth.flash.sms_sent")
	return redirect(c, "/verify")
}
