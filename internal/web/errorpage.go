package web

import (
	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/i18n"
	"github.com/securemailbox/securemailbox/internal/web/request"
	"github.com/securemailbox/securemailbox/views/errors"
	"github.com/securemailbox/securemailbox/views/layout"
)

// ErrorPage returns the HTML error page renderer for Deps.ErrorPage: the product's calm
// error page in the request's language, with the request id to quote.
func ErrorPage(bundle *i18n.Bundle, dev bool) func(c *fiber.Ctx, status int, message, requestID string) templ.Component {
	return func(c *fiber.Ctx, status int, message, requestID string) templ.Component {
		p := request.Printer(c)
		page := layout.Page{
			Title:     p.T("title.error"),
			Lang:      p.Lang(),
			Languages: bundle.Languages(),
			Path:      "/",
			CSRF:      request.CSRF(c),
			Dev:       dev,
		}
		return errors.Page(page, errors.Props{Status: status, Message: message, RequestID: requestID})
	}
}
