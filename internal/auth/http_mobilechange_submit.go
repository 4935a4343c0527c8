package auth

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

// mobileChangeSubmit is POST /account/mobile (after step-up, which proved the old number):
// the new number gets a code, which the same page then takes.
func (h *HTTP) mobileChangeSubmit(c *fiber.Ctx, s *Session) error {
	mobile := request.Form(c, "mobile")
	err := h.svc.RequestMobileChange(c.UserContext(), s, mobile, clientOf(c))
	if errors.Is(err, ErrStepUpRequired) {
		return toStepUp(c, mobileChangePath)
	}
	if err != nil {
		f, status, err := formError(c, err, map[string]string{"mobile": mobile}, "mobile")
		if err != nil {
			return err
		}
		return h.renderMobileChange(c, status, s, false, f)
	}
	return redirect(c, withQuery(mobileChangePath, "sent", "1"))
}
