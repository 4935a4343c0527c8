package organizer

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/auth"
	"github.com/securemailbox/securemailbox/internal/web/request"
)

// Sessions is what the handlers need of the accounts area: the session gate and the step-up
// state of a session.
type Sessions interface {
	RequireSession(fn auth.SessionHandler) fiber.Handler
}

// StepUps tells whether a session may do sensitive actions now.
type StepUps interface {
	StepUpValid(s *auth.Session) bool
}

// HTTP is the Organizer's routes.
type HTTP struct {
	svc      *Service
	sessions Sessions
	stepUps  StepUps
}

// NewHTTP returns the Organizer area.
func NewHTTP(svc *Service, sessions Sessions, stepUps StepUps) *HTTP {
	return &HTTP{svc: svc, sessions: sessions, stepUps: stepUps}
}

// Mount installs the routes.
func (h *HTTP) Mount(r fiber.Router) {
	api := r.Group("/api/v1")
	api.Post("/tenants/:id/residency-move", h.sessions.RequireSession(h.apiResidencyMove))
	api.Get("/tenants/:id/residency-move", h.sessions.RequireSession(h.apiResidencyShow))
}

func (h *HTTP) actor(c *fiber.Ctx, s *auth.Session) Actor {
	return Actor{AccountID: s.Account.ID, SteppedUp: h.stepUps.StepUpValid(s), IP: request.ClientIP(c)}
}
