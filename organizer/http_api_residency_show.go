package organizer

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/auth"
	"github.com/securemailbox/securemailbox/internal/web/request"
)

type residencyStatus struct {
	TenantID   string     `json:"tenant_id"`
	ToRegion   string     `json:"to_region,omitempty"`
	Running    bool       `json:"running"`
	Total      int64      `json:"total"`
	Moved      int64      `json:"moved"`
	StartedAt  *time.Time `json:"started_at,omitempty"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
}

// apiResidencyShow is GET /api/v1/tenants/{id}/residency-move: the progress of the latest
// move (objects done of total).
func (h *HTTP) apiResidencyShow(c *fiber.Ctx, s *auth.Session) error {
	tenantID := strings.Clone(c.Params("id"))
	st, err := h.svc.ResidencyStatus(request.Context(c), h.actor(c, s), tenantID)
	if err != nil {
		return err
	}
	out := residencyStatus{TenantID: tenantID, ToRegion: st.ToRegion, Running: st.Running, Total: st.Total, Moved: st.Moved, FinishedAt: st.FinishedAt}
	if !st.StartedAt.IsZero() {
		started := st.StartedAt.UTC()
		out.StartedAt = &started
	}
	return request.JSON(c, fiber.StatusOK, out)
}
