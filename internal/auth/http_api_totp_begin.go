package auth

import (
	"encoding/base64"

	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

type totpBeginResponse struct {
	Secret      string `json:"secret"`
	OTPAuthURL  string `json:"otpauth_url"`
	QRPNGBase64 string `json:"qr_png_base64"`
}

// apiTOTPBegin is POST /api/v1/me/totp (after step-up): a new authenticator secret, which
// counts only once POST /api/v1/me/totp/confirm has seen a code from it.
func (h *HTTP) apiTOTPBegin(c *fiber.Ctx, s *Session) error {
	if err := decodeOptional(c, &struct{}{}); err != nil {
		return err
	}
	setup, err := h.svc.BeginTOTP(c.UserContext(), s)
	if err != nil {
		return err
	}
	return request.JSON(c, fiber.StatusOK, totpBeginResponse{
		Secret: setup.Secret, OTPAuthURL: setup.URL, QRPNGBase64: base64.StdEncoding.EncodeToString(setup.QRPNG),
	})
}
