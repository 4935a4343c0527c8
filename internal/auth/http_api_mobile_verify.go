package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

type mobileVerifyRequest struct {
	AccountID string `json:"account_id"`
	Code      string `json:"code"`
}

type mobileVerifyResponse struct {
	MobileVerified bool `json:"mobile_verified"`
}

// apiMobileVerify is POST /api/v1/accounts/verify-mobile: the SMS code sent at sign-up.
func (h *HTTP) apiMobileVerify(c *fiber.Ctx) error {
	var in mobileVerifyRequest
	if err := request.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.svc.VerifyMobile(c.UserContext(), in.AccountID, in.Code, clientOf(c)); err != nil {
		return err
	}
	return request.JSON(c, fiber.StatusOK, mobileVerifyResponse{MobileVerified: true})
}
