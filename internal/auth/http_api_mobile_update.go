package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

type mobileRequest struct {
	Mobile string `json:"mobile"`
}

// apiMobileUpdate is PUT /api/v1/me/mobile {mobile} (after step-up, the old factor) → 202: a
// code goes to the new number; POST /api/v1/me/mobile/verify confirms it.
func (h *HTTP) apiMobileUpdate(c *fiber.Ctx, s *Session) error {
	var in mobileRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.svc.RequestMobileChange(c.UserContext(), s, in.Mobile, clientOf(c)); err != nil {
		return withField(err, "mobile")
	}
	return request.JSON(c, fiber.StatusAccepted, fiber.Map{"sms_sent": true})
}
