package auth

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

type sessionItem struct {
	ID         string    `json:"id"`
	Device     string    `json:"device"`
	IP         string    `json:"ip"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	Current    bool      `json:"current"`
}

type sessionListResponse struct {
	Items      []sessionItem `json:"items"`
	NextCursor *string       `json:"next_cursor"`
}

// apiSessionList is GET /api/v1/sessions: the account's own live sessions, all on one page.
func (h *HTTP) apiSessionList(c *fiber.Ctx, s *Session) error {
	list, err := h.svc.Sessions(c.UserContext(), s)
	if err != nil {
		return err
	}
	out := sessionListResponse{Items: make([]sessionItem, 0, len(list))}
	for _, it := range list {
		out.Items = append(out.Items, sessionItem{
			ID: it.ID, Device: it.UserAgent, IP: it.IP,
			CreatedAt: it.CreatedAt.UTC(), LastSeenAt: it.LastSeenAt.UTC(), Current: it.Current,
		})
	}
	return request.JSON(c, fiber.StatusOK, out)
}
