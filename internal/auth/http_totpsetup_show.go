package auth

import (
	"encoding/base64"
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
	"github.com/securemailbox/securemailbox/views/account"
	"github.com/securemailbox/securemailbox/views/components"
)

// totpSetupShow is GET /account/totp/setup: the pending secret (created by POST
// /account/totp/start, or by the step-up that it led to) as a QR code and as text. Like
// every GET it changes nothing: without a fresh step-up it asks for one (whose POST creates
// the secret), and without a pending secret it sends the person back to start.
func (h *HTTP) totpSetupShow(c *fiber.Ctx, s *Session) error {
	setup, err := h.svc.PendingTOTP(s)
	if errors.Is(err, ErrStepUpRequired) {
		return toStepUp(c, totpSetupPath)
	}
	if errors.Is(err, ErrTOTPNotStarted) {
		return redirect(c, "/account/security")
	}
	if err != nil {
		return err
	}
	return h.renderTOTPSetup(c, fiber.StatusOK, setup, components.Form{})
}

func (h *HTTP) renderTOTPSetup(c *fiber.Ctx, status int, setup TOTPSetup, f components.Form) error {
	return request.Render(c, status, account.TOTPSetup(h.Page(c, "totp_setup"), account.TOTPProps{
		QRDataURI: "data:image/png;base64," + base64.StdEncoding.EncodeToString(setup.QRPNG),
		Secret:    setup.Secret,
		Form:      f,
	}))
}
