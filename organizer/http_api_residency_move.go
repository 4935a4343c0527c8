package organizer

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/auth"
	"github.com/securemailbox/securemailbox/internal/web/request"
)

type residencyMoveRequest struct {
	Region string `json:"region"`
}

// apiResidencyMove is POST /api/v1/tenants/{id}/residency-move {region} → 202: the tenant's
// data moves to region in an audited background job (after step-up).
func (h *HTTP) apiResidencyMove(c *fiber.Ctx, s *auth.Session) error {
	var req residencyMoveRequest
	if err := request.DecodeJSON(c, &req); err != nil {
		return err
	}
	tenantID := strings.Clone(c.Params("id"))
	if err := h.svc.RequestResidencyMove(request.Context(c), h.actor(c, s), tenantID, req.Region); err != nil {
		return err
	}
	return request.JSON(c, fiber.StatusAccepted, fiber.Map{"tenant_id": tenantID, "region": req.Region, "state": "moving"})
}
