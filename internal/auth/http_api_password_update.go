package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

type passwordRequest struct {
	Password string `json:"password"`
}

// apiPasswordUpdate is PUT /api/v1/me/password (after step-up). Every other session ends.
func (h *HTTP) apiPasswordUpdate(c *fiber.Ctx, s *Session) error {
	var in passwordRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.svc.ChangePassword(c.UserContext(), s, in.Password, clientOf(c)); err != nil {
		return withField(err, "password")
	}
	return c.SendStatus(fiber.StatusNoContent)
}
