package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

// apiMobileChangeVerify is POST /api/v1/me/mobile/verify {code}: the code sent to the new
// number makes it the account's mobile.
func (h *HTTP) apiMobileChangeVerify(c *fiber.Ctx, s *Session) error {
	var in codeRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.svc.ConfirmMobileChange(c.UserContext(), s, in.Code, clientOf(c)); err != nil {
		return withField(err, "code")
	}
	return request.JSON(c, fiber.StatusOK, fiber.Map{"mobile": s.Account.Mobile, "mobile_verified": true})
}
