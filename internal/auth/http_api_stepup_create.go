package auth

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

type stepUpRequest struct {
	Code string `json:"code"`
}

type stepUpResponse struct {
	Token       string     `json:"token,omitempty"`
	ExpiresAt   time.Time  `json:"expires_at"`
	StepUpUntil *time.Time `json:"step_up_until"`
}

type smsSentResponse struct {
	SMSSent bool `json:"sms_sent"`
}

// apiStepUpCreate is POST /api/v1/me/step-up. Without a code it sends an SMS control code
// (202); with one (that code or a TOTP code) it rotates the session into one that may do
// sensitive actions for a few minutes. The old token is dead; a cookie session gets the
// new token in its cookie instead of in the body.
func (h *HTTP) apiStepUpCreate(c *fiber.Ctx, s *Session) error {
	var in stepUpRequest
	if err := decodeOptional(c, &in); err != nil {
		return err
	}
	if in.Code == "" {
		if err := h.svc.StartStepUp(c.UserContext(), s, clientOf(c)); err != nil {
			return err
		}
		return request.JSON(c, fiber.StatusAccepted, smsSentResponse{SMSSent: true})
	}
	iss, err := h.svc.StepUp(c.UserContext(), s, in.Code, clientOf(c))
	if err != nil {
		return withField(err, "code")
	}
	out := stepUpResponse{Token: h.rotated(c, iss), ExpiresAt: iss.ExpiresAt.UTC()}
	if iss.StepUpUntil != nil {
		until := iss.StepUpUntil.UTC()
		out.StepUpUntil = &until
	}
	return request.JSON(c, fiber.StatusOK, out)
}
