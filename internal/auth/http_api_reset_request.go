package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

type resetRequest struct {
	Email string `json:"email"`
}

type acceptedResponse struct {
	Status string `json:"status"`
}

// apiResetRequest is POST /api/v1/password-reset. It answers 202 for every address; known
// ones get a link by e-mail.
func (h *HTTP) apiResetRequest(c *fiber.Ctx) error {
	var in resetRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.svc.RequestPasswordReset(c.UserContext(), in.Email, clientOf(c)); err != nil {
		return err
	}
	return request.JSON(c, fiber.StatusAccepted, acceptedResponse{Status: "accepted"})
}
