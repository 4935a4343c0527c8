package request

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/keys"
)

// Names of the CSRF token's cookie, form field and header.
const (
	CSRFCookie = "__Host-csrf"
	CSRFField  = "_csrf"
	CSRFHeader = "X-CSRF-Token"
)

// csrfLen is the length of a 256-bit token in unpadded base64url.
const csrfLen = 43

// CSRF returns the token to embed in forms (hidden field "_csrf") or to send as
// X-CSRF-Token. A visitor without a valid token cookie gets one issued now, so a form can
// always be rendered; only pages that ask for it set the cookie, not API, static or probe
// responses.
func CSRF(c *fiber.Ctx) string {
	if t, ok := c.Locals(keyCSRF).(string); ok {
		return t
	}
	t := c.Cookies(CSRFCookie)
	if wellFormed(t) {
		t = strings.Clone(t)
	} else {
		t = newToken()
		SetCookie(c, CSRFCookie, t, 0)
	}
	c.Locals(keyCSRF, t)
	return t
}

// VerifyCSRF reports whether the request carries the token of its cookie in the
// X-CSRF-Token header or the "_csrf" body field (double submit: a cross-site page can
// make the browser send the cookie but cannot read it to repeat it). The query string is
// not looked at, so tokens never end up in URLs and logs.
func VerifyCSRF(c *fiber.Ctx) bool {
	cookie := c.Cookies(CSRFCookie)
	if !wellFormed(cookie) {
		return false
	}
	sent := c.Get(CSRFHeader)
	if sent == "" {
		sent = FormRaw(c, CSRFField)
	}
	return keys.Equal([]byte(cookie), []byte(sent))
}

func newToken() string {
	// 256 random bits, base64url: a token that guards this browser's own forms.
	return keys.NewSecret().String()
}

func wellFormed(t string) bool {
	if len(t) != csrfLen {
		return false
	}
	for i := 0; i < len(t); i++ {
		ch := t[i]
		if !('a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' || '0' <= ch && ch <= '9' || ch == '-' || ch == '_') {
			return false
		}
	}
	return true
}
