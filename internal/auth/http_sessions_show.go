package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
	"github.com/securemailbox/securemailbox/views/account"
)

// sessionsShow is GET /account/sessions: where the account is logged in.
func (h *HTTP) sessionsShow(c *fiber.Ctx, s *Session) error {
	list, err := h.svc.Sessions(c.UserContext(), s)
	if err != nil {
		return err
	}
	p := request.Printer(c)
	rows := make([]account.SessionRow, 0, len(list))
	for _, it := range list {
		device := orDefault(it.UserAgent, p.T("auth.sessions.unknown_device"))
		if it.IP != "" {
			device = p.T("auth.sessions.device_at", map[string]any{"Device": device, "IP": it.IP})
		}
		rows = append(rows, account.SessionRow{
			ID: it.ID, Device: device, Created: p.Date(it.CreatedAt), LastSeen: p.Date(it.LastSeenAt), Current: it.Current,
		})
	}
	return request.Render(c, fiber.StatusOK, account.Sessions(h.Page(c, "sessions"), rows))
}
