package auth

import (
	"github.com/gofiber/fiber/v2"
)

// apiSessionDelete is DELETE /api/v1/sessions/current: logout. A cookie session also loses
// its cookies.
func (h *HTTP) apiSessionDelete(c *fiber.Ctx, _ *Session) error {
	st := authOf(c)
	if err := h.svc.Logout(c.UserContext(), st.token); err != nil {
		return err
	}
	if st.viaCookie {
		clearLogin(c)
	}
	return c.SendStatus(fiber.StatusNoContent)
}
