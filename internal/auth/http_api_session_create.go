package auth

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

type sessionCreateRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type sessionCreateResponse struct {
	Token       string    `json:"token"`
	MFARequired bool      `json:"mfa_required"`
	ExpiresAt   time.Time `json:"expires_at"`
}

// apiSessionCreate is POST /api/v1/sessions: a login with e-mail and password. With
// mfa_required the token is good only for POST /api/v1/sessions/mfa.
func (h *HTTP) apiSessionCreate(c *fiber.Ctx) error {
	var in sessionCreateRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	iss, err := h.svc.Login(c.UserContext(), in.Email, in.Password, clientOf(c))
	if err != nil {
		return err
	}
	return request.JSON(c, fiber.StatusCreated, sessionCreateResponse{
		Token: iss.Token, MFARequired: iss.MFARequired, ExpiresAt: iss.ExpiresAt.UTC(),
	})
}
