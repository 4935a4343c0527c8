package auth

import (
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
	"github.com/securemailbox/securemailbox/views/auth"
	"github.com/securemailbox/securemailbox/views/components"
)

// verifyShow is GET /verify: where the e-mail and mobile verifications of the signed-up or
// logged-in account stand.
func (h *HTTP) verifyShow(c *fiber.Ctx) error {
	id := verifyAccountID(c)
	if id == "" {
		return redirect(c, withQuery("/login", "next", "/verify"))
	}
	request.SetCookie(c, verifyCookie, id, verifyMaxAge)
	return h.renderVerify(c, fiber.StatusOK, id, components.Form{})
}

// renderVerify shows the verify page of account id with form f.
func (h *HTTP) renderVerify(c *fiber.Ctx, status int, id string, f components.Form) error {
	v, err := h.svc.Verification(c.UserContext(), id)
	if err != nil {
		return err
	}
	props := auth.VerifyProps{
		EmailVerified: v.EmailVerified, MobileVerified: v.MobileVerified, MobileMasked: v.MobileMasked, Form: f,
	}
	if s := SessionFrom(c); s != nil && s.Account.ID == id {
		props.Email = s.Account.Email
	}
	return request.Render(c, status, auth.Verify(h.Page(c, "verify"), props))
}

// verifyAccountID is the account the verify page is about: the logged-in account, else the
// one this browser signed up (remembered in a cookie since sign-up). An id in the address
// or the form is not enough: it would let anyone who learns an account id read its masked
// number and send it codes. Anything that is not an account id is ignored.
func verifyAccountID(c *fiber.Ctx) string {
	var candidates []string
	if s := SessionFrom(c); s != nil {
		candidates = append(candidates, s.Account.ID)
	}
	candidates = append(candidates, cookie(c, verifyCookie))
	for _, id := range candidates {
		if wellFormedID(id) {
			return id
		}
	}
	return ""
}

// wellFormedID reports whether s looks like one of our ids (lower-case ULIDs), which also
// makes it safe to put into a cookie.
func wellFormedID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if ch := s[i]; !('0' <= ch && ch <= '9' || 'a' <= ch && ch <= 'z') {
			return false
		}
	}
	return true
}
