package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

type emailRequest struct {
	Email string `json:"email"`
}

// apiEmailUpdate is PUT /api/v1/me/email {email} (after step-up) → 202: a link goes to the
// new address, which becomes the account's when it is opened.
func (h *HTTP) apiEmailUpdate(c *fiber.Ctx, s *Session) error {
	var in emailRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.svc.RequestEmailChange(c.UserContext(), s, in.Email, clientOf(c)); err != nil {
		return withField(err, "email")
	}
	return request.JSON(c, fiber.StatusAccepted, fiber.Map{"email_sent": true})
}
