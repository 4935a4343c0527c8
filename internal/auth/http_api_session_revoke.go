package auth

import (
	"github.com/gofiber/fiber/v2"
)

// apiSessionRevoke is DELETE /api/v1/sessions/{id}: ends one of the account's own sessions.
// Another account's session is not found.
func (h *HTTP) apiSessionRevoke(c *fiber.Ctx, s *Session) error {
	id := param(c, "id")
	if err := h.svc.RevokeSession(c.UserContext(), s, id, clientOf(c)); err != nil {
		return err
	}
	if id == s.ID && authOf(c).viaCookie {
		clearLogin(c)
	}
	return c.SendStatus(fiber.StatusNoContent)
}
