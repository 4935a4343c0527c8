package request

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"strings"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/fault"
)

// ErrUnsupportedMediaType answers a body whose Content-Type the endpoint does not take.
var ErrUnsupportedMediaType = fault.New(fault.Unsupported, "unsupported_media_type", "error.unsupported_media_type")

const (
	contentHTML = "text/html; charset=utf-8"
	contentJSON = "application/json; charset=utf-8"
)

// Render renders comp with the request's context into a buffer and only then sends it, so
// a component that fails halfway leaves no half page: the error goes to the ErrorHandler.
func Render(c *fiber.Ctx, status int, comp templ.Component) error {
	var buf bytes.Buffer
	if err := comp.Render(Context(c), &buf); err != nil {
		return fmt.Errorf("request: render: %w", err)
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, contentHTML)
	return c.Send(buf.Bytes())
}

// JSON sends v as JSON with the given status.
func JSON(c *fiber.Ctx, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("request: encode json: %w", err)
	}
	c.Status(status)
	c.Set(fiber.HeaderContentType, contentJSON)
	return c.Send(b)
}

// DecodeJSON decodes the body into dst strictly: the Content-Type must be application/json
// (UTF-8), the body one JSON value and nothing after it, and every field must be one dst
// declares, so request structs act as allow-lists. Failures are *fault.Error values:
// unknown_field (with the field named in Details), invalid_request, unsupported_media_type.
func DecodeJSON(c *fiber.Ctx, dst any) error {
	mt, params, err := mime.ParseMediaType(c.Get(fiber.HeaderContentType))
	if err != nil || mt != fiber.MIMEApplicationJSON {
		return ErrUnsupportedMediaType
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return ErrUnsupportedMediaType
	}
	dec := json.NewDecoder(bytes.NewReader(c.Body()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fault.ErrInvalid.Wrap(errors.New("request: data after the JSON value"))
	}
	return nil
}

func decodeError(err error) error {
	// encoding/json reports unknown fields only as text: `json: unknown field "name"`.
	if name, ok := strings.CutPrefix(err.Error(), `json: unknown field "`); ok {
		return fault.ErrUnknownField.Field(strings.TrimSuffix(name, `"`), "unknown_field").Wrap(err)
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field != "" {
		return fault.ErrInvalid.Field(typeErr.Field, "wrong_type").Wrap(err)
	}
	return fault.ErrInvalid.Wrap(err)
}
