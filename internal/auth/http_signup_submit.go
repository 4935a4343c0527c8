package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
	"github.com/securemailbox/securemailbox/views/auth"
)

// signupSubmit is POST /signup. It answers with the recovery codes, shown this once and
// never stored in clear, which lead on to the verify page. The account id is remembered in
// a cookie, because the verify page's forms do not carry it.
func (h *HTTP) signupSubmit(c *fiber.Ctx) error {
	cl := clientOf(c)
	in := SignUpInput{
		Name:     request.Form(c, "name"),
		Email:    request.Form(c, "email"),
		Mobile:   request.Form(c, "mobile"),
		Password: request.FormRaw(c, "password"),
		Locale:   cl.Lang,
	}
	res, err := h.svc.SignUp(c.UserContext(), in, cl)
	if err != nil {
		values := map[string]string{"name": in.Name, "email": in.Email, "mobile": in.Mobile}
		f, status, err := formError(c, err, values, "")
		if err != nil {
			return err
		}
		return request.Render(c, status, auth.Signup(h.Page(c, "signup"), f))
	}
	request.SetCookie(c, verifyCookie, res.AccountID, verifyMaxAge)
	return request.Render(c, fiber.StatusOK, auth.RecoveryCodes(h.Page(c, "recovery_codes"), auth.RecoveryCodesProps{
		Codes: res.RecoveryCodes, Next: "/verify",
	}))
}
