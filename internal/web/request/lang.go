package request

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/i18n"
)

// languages is the language choice of one request. It is resolved lazily because the
// account's locale is known only after area middleware (authentication) has run, which is
// later than the web middleware that installs this.
type languages struct {
	bundle   *i18n.Bundle
	explicit string                  // the visitor's own choice (the lang cookie), "" if none
	account  func(*fiber.Ctx) string // the logged-in account's locale, may be nil
	chosen   *i18n.Printer           // set by SetLang; wins over everything else

	printer    *i18n.Printer // cached choice ...
	forAccount string        // ... and the account locale it was made with
}

// SetLanguages installs the request's language choice: explicit (the visitor's saved
// choice), then account(c) when it returns a locale, then the Accept-Language header.
// account may be nil and must be cheap: it is asked again whenever Printer is called, so
// a login during the request is noticed.
func SetLanguages(c *fiber.Ctx, b *i18n.Bundle, explicit string, account func(*fiber.Ctx) string) {
	c.Locals(keyLang, &languages{bundle: b, explicit: explicit, account: account})
}

func langs(c *fiber.Ctx) *languages {
	l, ok := c.Locals(keyLang).(*languages)
	if !ok {
		// Like i18n.FromContext: a handler running without the web middleware is a wiring bug.
		panic("request: no language state; the web middleware did not run")
	}
	return l
}

// Printer returns the printer for the request's language.
func Printer(c *fiber.Ctx) *i18n.Printer {
	l := langs(c)
	if l.chosen != nil {
		return l.chosen
	}
	var acct string
	if l.account != nil {
		acct = l.account(c)
	}
	if l.printer == nil || acct != l.forAccount {
		l.printer = l.bundle.Printer(l.bundle.Match(l.explicit, acct, c.Get(fiber.HeaderAcceptLanguage)))
		l.forAccount = acct
	}
	return l.printer
}

// SetLang makes lang the language of the rest of the request (for example the account's
// locale right after login). An unsupported lang falls back to the usual choice.
func SetLang(c *fiber.Ctx, lang string) {
	l := langs(c)
	var acct string
	if l.account != nil {
		acct = l.account(c)
	}
	l.chosen = l.bundle.Printer(l.bundle.Match(lang, l.explicit, acct, c.Get(fiber.HeaderAcceptLanguage)))
}

// Context returns c.UserContext() carrying the request's printer, for services and
// templates. It reflects SetLang and a login earlier in the request.
func Context(c *fiber.Ctx) context.Context {
	return i18n.WithPrinter(c.UserContext(), Printer(c))
}
