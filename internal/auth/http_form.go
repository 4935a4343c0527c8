package auth

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/fault"
	"github.com/securemailbox/securemailbox/internal/web/request"
	"github.com/securemailbox/securemailbox/views/components"
)

// clientOf describes the request for the service (audit, throttles, SMS language).
func clientOf(c *fiber.Ctx) Client {
	return Client{IP: request.ClientIP(c), UserAgent: request.UserAgent(c), Lang: request.Printer(c).Lang()}
}

// param and query return copies: fiber's strings point into buffers it reuses.
func param(c *fiber.Ctx, name string) string { return strings.Clone(c.Params(name)) }
func query(c *fiber.Ctx, name string) string { return strings.Clone(c.Query(name)) }

// decodeOptional decodes a JSON body like request.DecodeJSON, but an empty body counts as
// {} (for POST endpoints that take no fields).
func decodeOptional(c *fiber.Ctx, dst any) error {
	if len(c.Body()) == 0 {
		return nil
	}
	return request.DecodeJSON(c, dst)
}

// withField names field as the culprit of a refusal the person can fix on the form (a
// validation error or a conflict such as a taken address) that names none, so API clients
// get it in details and forms show the message next to the field.
func withField(err error, field string) error {
	fe, ok := fault.As(err)
	if !ok || (fe.Kind != fault.Invalid && fe.Kind != fault.Conflict) || len(fe.Details) > 0 || field == "" {
		return err
	}
	return fe.Field(field, fe.Code)
}

// formStatus is the status of a form shown again for a refusal of kind k; false for the
// kinds a person cannot fix on the form (they go to the ErrorHandler).
func formStatus(k fault.Kind) (int, bool) {
	switch k {
	case fault.Invalid:
		return http.StatusBadRequest, true
	case fault.Unauthenticated:
		return http.StatusUnauthorized, true
	case fault.Forbidden:
		return http.StatusForbidden, true
	case fault.Conflict:
		return http.StatusConflict, true
	case fault.RateLimited:
		return http.StatusTooManyRequests, true
	case fault.Unavailable:
		return http.StatusServiceUnavailable, true
	}
	return 0, false
}

// formError turns a refusal into the form to show again: the message goes next to each
// field the error names (field, when it names none and is a validation error) or at the top
// of the form. values are the entered values to keep; never pass passwords or codes. Errors
// a person cannot fix on the form come back as the third result, for the ErrorHandler.
func formError(c *fiber.Ctx, err error, values map[string]string, field string) (components.Form, int, error) {
	fe, ok := fault.As(withField(err, field))
	if !ok {
		return components.Form{}, 0, err
	}
	status, ok := formStatus(fe.Kind)
	if !ok {
		return components.Form{}, 0, err
	}
	if fe.Kind == fault.RateLimited {
		request.SetRetryAfter(c, fe.RetryAfter)
	}
	p := request.Printer(c)
	msg := p.Error(fe)
	f := components.Form{Values: values, Errors: map[string]string{}}
	for _, d := range fe.Details {
		f.Errors[d.Field] = msg
		if d.Key != "" { // the field's own message
			f.Errors[d.Field] = p.T(d.Key, d.Args)
		}
	}
	if len(f.Errors) == 0 {
		f.Error = msg
	}
	return f, status, nil
}

// resetField is the form field a refused password reset is about.
func resetField(err error, usedRecoveryCode bool) string {
	switch {
	case errors.Is(err, ErrWeakPassword):
		return "new_password"
	case errors.Is(err, ErrKeysWillBeLost):
		return "accept_key_loss"
	case errors.Is(err, ErrInvalidCode) && usedRecoveryCode:
		return "recovery_code"
	case errors.Is(err, ErrInvalidCode):
		return "code"
	}
	return ""
}
