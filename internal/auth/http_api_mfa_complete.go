package auth

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

type mfaCompleteRequest struct {
	Code         string `json:"code"`
	RecoveryCode string `json:"recovery_code"`
}

type mfaCompleteResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

// apiMFAComplete is POST /api/v1/sessions/mfa with the MFA-pending token as bearer: the
// second factor. The answer is a new token; the pending one is dead.
func (h *HTTP) apiMFAComplete(c *fiber.Ctx) error {
	token, ok := request.Bearer(c)
	if !ok {
		return ErrUnauthenticated
	}
	var in mfaCompleteRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	iss, err := h.svc.CompleteMFA(c.UserContext(), token, MFAInput(in), clientOf(c))
	if err != nil {
		return err
	}
	return request.JSON(c, fiber.StatusOK, mfaCompleteResponse{Token: iss.Token, ExpiresAt: iss.ExpiresAt.UTC()})
}
