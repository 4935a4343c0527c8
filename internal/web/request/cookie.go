package request

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// hostPrefix is required of every cookie we set: browsers then insist on Secure, Path=/ and
// no Domain, so neither a sibling subdomain nor a plain-HTTP attacker can plant or shadow it.
// Browsers treat http://127.0.0.1 and localhost as secure, so this holds in dev mode too.
const hostPrefix = "__Host-"

// SetCookie sets a __Host- cookie: Secure, HttpOnly, SameSite=Lax, Path=/, no Domain.
// maxAge 0 makes a session cookie. A name without the __Host- prefix is a programming
// error and panics.
func SetCookie(c *fiber.Ctx, name, value string, maxAge time.Duration) {
	if !strings.HasPrefix(name, hostPrefix) {
		panic("request: cookie " + name + " lacks the __Host- prefix")
	}
	c.Cookie(&fiber.Cookie{
		Name:        name,
		Value:       value,
		Path:        "/",
		MaxAge:      int(maxAge / time.Second),
		SessionOnly: maxAge == 0,
		Secure:      true,
		HTTPOnly:    true,
		SameSite:    fiber.CookieSameSiteLaxMode,
	})
}

// ClearCookie deletes a cookie set by SetCookie. The attributes must match, or browsers
// refuse a __Host- deletion just as they would refuse setting it.
func ClearCookie(c *fiber.Ctx, name string) {
	SetCookie(c, name, "", -time.Second)
}

// LangCookie holds a visitor's explicit choice of language.
const LangCookie = "__Host-lang"
