package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
	"github.com/securemailbox/securemailbox/views/auth"
	"github.com/securemailbox/securemailbox/views/components"
)

// resetShow is GET /password-reset/:token, the page the e-mailed link opens (?sms=sent
// after a code was sent). A bad or used link gets the error page.
func (h *HTTP) resetShow(c *fiber.Ctx) error {
	return h.renderReset(c, fiber.StatusOK, query(c, "sms") == "sent", components.Form{})
}

// renderReset shows the reset form of the link's token with form f.
func (h *HTTP) renderReset(c *fiber.Ctx, status int, smsSent bool, f components.Form) error {
	token := param(c, "token")
	st, err := h.svc.ResetInfo(c.UserContext(), token)
	if err != nil {
		return err
	}
	return request.Render(c, status, auth.Reset(h.Page(c, "reset"), auth.ResetProps{
		Token: token, TOTPEnabled: st.TOTPEnabled, HasPhone: st.HasPhone, SMSSent: smsSent, Form: f,
	}))
}
