package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

type emailVerifyRequest struct {
	Token string `json:"token"`
}

type emailVerifyResponse struct {
	EmailVerified bool `json:"email_verified"`
}

// apiEmailVerify is POST /api/v1/accounts/verify-email: the token of the e-mailed link.
func (h *HTTP) apiEmailVerify(c *fiber.Ctx) error {
	var in emailVerifyRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.svc.VerifyEmail(c.UserContext(), in.Token, clientOf(c)); err != nil {
		return err
	}
	return request.JSON(c, fiber.StatusOK, emailVerifyResponse{EmailVerified: true})
}
