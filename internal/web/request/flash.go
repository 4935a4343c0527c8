package request

import (
	"time"

	"github.com/gofiber/fiber/v2"
)

const (
	flashCookie = "__Host-flash"
	flashMaxAge = time.Minute // long enough for one redirect, short enough not to resurface later
	flashMaxKey = 100
)

// SetFlash stores a notice to show on the next page, typically before a redirect. Only the
// i18n key travels (never text or user input), so the cookie cannot carry markup and the
// text appears in the language of the page that shows it. A key outside [a-z0-9_.]+ is
// dropped: failing the request over a notice would hide that the action itself succeeded.
func SetFlash(c *fiber.Ctx, key string) {
	if validFlashKey(key) {
		SetCookie(c, flashCookie, key, flashMaxAge)
	}
}

// Flash returns the translated pending notice, or "", and clears it so it shows once. A
// key that is malformed or not in the catalog yields "".
func Flash(c *fiber.Ctx) string {
	key := c.Cookies(flashCookie)
	if key == "" {
		return ""
	}
	ClearCookie(c, flashCookie)
	p := Printer(c)
	if !validFlashKey(key) || !p.HasKey(key) {
		return ""
	}
	return p.T(key)
}

func validFlashKey(key string) bool {
	if key == "" || len(key) > flashMaxKey {
		return false
	}
	for i := 0; i < len(key); i++ {
		ch := key[i]
		if !('a' <= ch && ch <= 'z' || '0' <= ch && ch <= '9' || ch == '_' || ch == '.') {
			return false
		}
	}
	return true
}
