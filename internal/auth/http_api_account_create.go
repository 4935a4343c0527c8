package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

type accountCreateRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Mobile   string `json:"mobile"`
	Name     string `json:"name"`
	Locale   string `json:"locale"`
}

type accountCreateResponse struct {
	ID             string   `json:"id"`
	EmailVerified  bool     `json:"email_verified"`
	MobileVerified bool     `json:"mobile_verified"`
	RecoveryCodes  []string `json:"recovery_codes"`
	EmailSent      bool     `json:"email_sent"`
	SMSSent        bool     `json:"sms_sent"`
}

// apiAccountCreate is POST /api/v1/accounts. An address that already has an account gets
// the same answer (the service sees to that).
func (h *HTTP) apiAccountCreate(c *fiber.Ctx) error {
	var in accountCreateRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	cl := clientOf(c)
	res, err := h.svc.SignUp(c.UserContext(), SignUpInput{
		Email: in.Email, Password: in.Password, Mobile: in.Mobile, Name: in.Name, Locale: orDefault(in.Locale, cl.Lang),
	}, cl)
	if err != nil {
		return err
	}
	return request.JSON(c, fiber.StatusCreated, accountCreateResponse{
		ID: res.AccountID, RecoveryCodes: res.RecoveryCodes, EmailSent: res.EmailSent, SMSSent: res.SMSSent,
	})
}
