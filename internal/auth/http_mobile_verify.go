package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/fault"
	"github.com/securemailbox/securemailbox/internal/web/request"
)

// mobileVerify is POST /verify/mobile: the sign-up SMS code (fields account, code).
func (h *HTTP) mobileVerify(c *fiber.Ctx) error {
	id := verifyAccountID(c)
	if id == "" {
		return fault.ErrInvalid.Field("account", "required")
	}
	if err := h.svc.VerifyMobile(c.UserContext(), id, request.Form(c, "code"), clientOf(c)); err != nil {
		f, status, err := formError(c, err, nil, "code")
		if err != nil {
			return err
		}
		return h.renderVerify(c, status, id, f)
	}
	request.SetFlash(c, "auth.flash.mobile_verified")
	return redirect(c, "/verify")
}
