package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

// stepUpSMSSend is POST /account/step-up/sms: a control code to the account's mobile.
func (h *HTTP) stepUpSMSSend(c *fiber.Ctx, s *Session) error {
	next := localNext(request.Form(c, "next"))
	if err := h.svc.StartStepUp(c.UserContext(), s, clientOf(c)); err != nil {
		f, status, err := formError(c, err, nil, "")
		if err != nil {
			return err
		}
		return h.renderStepUp(c, status, s, next, false, f)
	}
	return redirect(c, withQuery(withQuery("/account/step-up", "next", next), "sms", "sent"))
}
