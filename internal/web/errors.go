package web

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/securemailbox/securemailbox/internal/fault"
	"github.com/securemailbox/securemailbox/internal/i18n"
	"github.com/securemailbox/securemailbox/internal/web/request"
)

var (
	errCSRF             = fault.New(fault.Forbidden, "csrf_failed", "error.csrf")
	errMethodNotAllowed = fault.New(fault.Invalid, "method_not_allowed", "error.method_not_allowed")
)

// apiError is the JSON error body of the API.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code      string         `json:"code"`
	Message   string         `json:"message"`
	RequestID string         `json:"request_id"`
	Details   []fault.Detail `json:"details"`
}

// handleError is the one place errors become responses: a status from the fault's kind, a
// translated safe message, JSON under /api/ and an HTML page elsewhere. err.Error() goes to
// the log only. It is also fiber's ErrorHandler, which fasthttp calls without running any
// middleware (a body over the limit, a request head too large); it then starts the request
// state itself.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	status, fe := classify(err)
	if request.ID(c) == "" {
		// fasthttp refused the request before routing, so observe will not count it.
		s.begin(c)
		s.metrics.requests.WithLabelValues(c.Method(), unrouted, strconv.Itoa(status)).Inc()
	}
	s.logError(c, status, fe, err)

	// Whatever the handler had written (half a body, a Content-Disposition) must not
	// survive; cookies it set (a rotated session) must.
	resetKeepingCookies(c.Response())
	c.Set(fiber.HeaderXRequestID, request.ID(c))
	setSecurityHeaders(c, false)

	if fe.Kind == fault.RateLimited {
		request.SetRetryAfter(c, fe.RetryAfter)
	}
	msg := request.Printer(c).Error(fe)

	// fasthttp clears a request whose chunked body overran the limit before it calls us, so
	// not even its path is left (every HTTP/1.1 request has a Host). Browsers send forms with
	// a Content-Length, which fasthttp checks without clearing; a chunked body comes from an
	// API client, so such a request is answered as one.
	lost := len(c.Request().Header.Host()) == 0
	if lost || request.IsAPI(c) {
		if status == fiber.StatusUnauthorized {
			c.Set(fiber.HeaderWWWAuthenticate, "Bearer")
		}
		details := fe.Details
		if details == nil {
			details = []fault.Detail{}
		}
		return request.JSON(c, status, apiError{apiErrorBody{
			Code: fe.Code, Message: msg, RequestID: request.ID(c), Details: details,
		}})
	}
	if s.deps.ErrorPage != nil {
		page := s.deps.ErrorPage(c, status, msg, request.ID(c))
		err := s.protect(c, func() error { return request.Render(c, status, page) })
		if err == nil {
			return nil
		}
		s.log.Error("web: error page failed", "request_id", request.ID(c), "error", err)
	}
	return request.Render(c, status, builtinErrorPage(status, msg, request.ID(c)))
}

// classify maps err to a status and the fault whose code and message the client sees.
func classify(err error) (int, *fault.Error) {
	if fe, ok := fault.As(err); ok {
		if status, known := kindStatus(fe.Kind); known {
			return status, fe
		}
		return http.StatusInternalServerError, fault.ErrInternal.Wrap(err)
	}
	var fiberErr *fiber.Error
	if errors.As(err, &fiberErr) {
		return fromFiber(fiberErr)
	}
	return http.StatusInternalServerError, fault.ErrInternal.Wrap(err)
}

func kindStatus(k fault.Kind) (int, bool) {
	switch k {
	case fault.Invalid:
		return http.StatusBadRequest, true
	case fault.Unauthenticated:
		return http.StatusUnauthorized, true
	case fault.PaymentRequired:
		return http.StatusPaymentRequired, true
	case fault.Forbidden:
		return http.StatusForbidden, true
	case fault.NotFound:
		return http.StatusNotFound, true
	case fault.Conflict:
		return http.StatusConflict, true
	case fault.Gone:
		return http.StatusGone, true
	case fault.TooLarge:
		return http.StatusRequestEntityTooLarge, true
	case fault.Unsupported:
		return http.StatusUnsupportedMediaType, true
	case fault.RateLimited:
		return http.StatusTooManyRequests, true
	case fault.Unavailable:
		return http.StatusServiceUnavailable, true
	case fault.Internal:
		return http.StatusInternalServerError, true
	}
	return 0, false
}

// fromFiber maps the errors fiber and fasthttp raise themselves (no route, wrong method,
// limits) to our faults. Their messages are never shown: "Cannot GET /path" echoes input.
func fromFiber(e *fiber.Error) (int, *fault.Error) {
	var fe *fault.Error
	status := e.Code
	switch e.Code {
	case http.StatusBadRequest:
		fe = fault.ErrInvalid
	case http.StatusUnauthorized:
		fe = fault.ErrUnauthenticated
	case http.StatusForbidden:
		fe = fault.ErrForbidden
	case http.StatusNotFound:
		fe = fault.ErrNotFound
	case http.StatusMethodNotAllowed:
		fe = errMethodNotAllowed
	case http.StatusRequestEntityTooLarge, http.StatusRequestHeaderFieldsTooLarge:
		fe = fault.ErrTooLarge
	case http.StatusUnsupportedMediaType:
		fe = request.ErrUnsupportedMediaType
	case http.StatusTooManyRequests:
		fe = fault.ErrRateLimited
	case http.StatusServiceUnavailable:
		fe = fault.ErrUnavailable
	default:
		if e.Code >= 500 || e.Code < 400 {
			status, fe = http.StatusInternalServerError, fault.ErrInternal
		} else {
			fe = fault.ErrInvalid
		}
	}
	return status, fe.Wrap(e)
}

func (s *Server) logError(c *fiber.Ctx, status int, fe *fault.Error, err error) {
	attrs := []slog.Attr{
		slog.String("request_id", request.ID(c)),
		slog.String("method", c.Method()),
		slog.Int("status", status),
		slog.String("code", fe.Code),
	}
	if status >= 500 {
		s.log.LogAttrs(c.Context(), slog.LevelError, "web: request failed", append(attrs, slog.String("error", err.Error()))...)
		return
	}
	// A client error's cause may quote what the client sent (a token, a password field):
	// the code says enough.
	s.log.LogAttrs(c.Context(), slog.LevelInfo, "web: request refused", attrs...)
}

// resetKeepingCookies clears the response but keeps its Set-Cookie headers.
func resetKeepingCookies(resp *fasthttp.Response) {
	var cookies []*fasthttp.Cookie
	for _, v := range resp.Header.Cookies() {
		ck := fasthttp.AcquireCookie()
		if ck.ParseBytes(v) == nil {
			cookies = append(cookies, ck)
		}
	}
	resp.Reset()
	for _, ck := range cookies {
		resp.Header.SetCookie(ck)
		fasthttp.ReleaseCookie(ck)
	}
}

// builtinErrorPage is the page shown when Deps.ErrorPage is nil or fails. It has no styles
// or scripts (the CSP forbids inline ones) and escapes everything it prints.
func builtinErrorPage(status int, message, requestID string) templ.Component {
	return templ.ComponentFunc(func(ctx context.Context, w io.Writer) error {
		p := i18n.FromContext(ctx)
		title := p.T("web.error.title", map[string]any{"Status": status})
		_, err := fmt.Fprintf(w, `<!doctype html>
<html lang="%s"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>%s</title></head>
<body><main><h1>%s</h1><p>%s</p><p><small>%s</small></p><p><a href="/">%s</a></p></main></body></html>
`,
			html.EscapeString(p.Lang()), html.EscapeString(title), html.EscapeString(title),
			html.EscapeString(message),
			html.EscapeString(p.T("web.error.request_id", map[string]any{"ID": requestID})),
			html.EscapeString(p.T("web.error.home")))
		return err
	})
}
