package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
	"github.com/securemailbox/securemailbox/views/account"
	"github.com/securemailbox/securemailbox/views/components"
)

// stepUpShow is GET /account/step-up?next=PATH (&sms=sent after a code was sent): "Confirm
// it's you" before a sensitive action, which continues at next.
func (h *HTTP) stepUpShow(c *fiber.Ctx, s *Session) error {
	return h.renderStepUp(c, fiber.StatusOK, s, localNext(query(c, "next")), query(c, "sms") == "sent", components.Form{})
}

func (h *HTTP) renderStepUp(c *fiber.Ctx, status int, s *Session, next string, smsSent bool, f components.Form) error {
	return request.Render(c, status, account.StepUp(h.Page(c, "step_up"), account.StepUpProps{
		Next: orDefault(next, "/account/security"), HasTOTP: s.Account.TOTPEnabled(), SMSSent: smsSent,
		MobileMasked: MaskPhone(s.Account.Mobile), Form: f,
	}))
}

// toStepUp sends the visitor to the step-up page, to continue at next (a page) afterwards.
func toStepUp(c *fiber.Ctx, next string) error {
	return redirect(c, withQuery("/account/step-up", "next", next))
}
