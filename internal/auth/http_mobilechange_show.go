package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
	"github.com/securemailbox/securemailbox/views/account"
	"github.com/securemailbox/securemailbox/views/components"
)

// mobileChangePath is the change-of-mobile page.
const mobileChangePath = "/account/mobile"

// mobileChangeShow is GET /account/mobile (?sent=1 once a code went to the new number). A
// new number needs a step-up, so the step-up comes first, before anything is typed; a
// number waiting for its code can be confirmed without one.
func (h *HTTP) mobileChangeShow(c *fiber.Ctx, s *Session) error {
	sent := query(c, "sent") == "1" && s.Account.MobilePending != nil
	if !sent && !h.svc.StepUpValid(s) {
		return toStepUp(c, mobileChangePath)
	}
	return h.renderMobileChange(c, fiber.StatusOK, s, sent, components.Form{})
}

func (h *HTTP) renderMobileChange(c *fiber.Ctx, status int, s *Session, sent bool, f components.Form) error {
	props := account.MobileProps{Current: s.Account.Mobile, Form: f}
	if sent && s.Account.MobilePending != nil {
		props.Sent, props.PendingMasked = true, MaskPhone(*s.Account.MobilePending)
	}
	return request.Render(c, status, account.Mobile(h.Page(c, "mobile"), props))
}
