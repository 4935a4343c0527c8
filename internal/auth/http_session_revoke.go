package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

// sessionRevoke is POST /account/sessions/:id/revoke: ends one of the account's sessions.
// Another account's session is not found.
func (h *HTTP) sessionRevoke(c *fiber.Ctx, s *Session) error {
	id := param(c, "id")
	if err := h.svc.RevokeSession(c.UserContext(), s, id, clientOf(c)); err != nil {
		return err
	}
	if id == s.ID {
		clearLogin(c)
		return redirect(c, "/login")
	}
	request.SetFlash(c, "auth.flash.session_revoked")
	return redirect(c, "/account/sessions")
}
