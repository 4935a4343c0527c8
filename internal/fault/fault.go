package fault

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies an error for the edge. internal/web maps each kind to one HTTP status.
type Kind int

// The kinds in use. Their HTTP statuses are given for orientation; internal/web owns the mapping.
const (
	Internal        Kind = iota // 500
	Invalid                     // 400
	Unauthenticated             // 401
	PaymentRequired             // 402
	Forbidden                   // 403
	NotFound                    // 404
	Conflict                    // 409
	Gone                        // 410
	TooLarge                    // 413
	Unsupported                 // 415
	RateLimited                 // 429
	Unavailable                 // 503
)

// Detail names one field of a request that is wrong and why (an API code). Key and Args,
// when set, are that field's own message (a form shows it next to the field); otherwise
// the error's message stands for every field.
type Detail struct {
	Field string         `json:"field"`
	Code  string         `json:"code"`
	Key   string         `json:"-"`
	Args  map[string]any `json:"-"`
}

// Error is a user-facing error. Code is the API's snake_case code, Key the i18n message key
// and Args its arguments. Err is the cause, shown only in logs.
type Error struct {
	Kind       Kind
	Code       string
	Key        string
	Args       map[string]any
	Details    []Detail
	RetryAfter time.Duration
	Err        error
}

// New returns a sentinel-style error. Compare with errors.Is, which matches on Code.
func New(kind Kind, code, key string) *Error {
	return &Error{Kind: kind, Code: code, Key: key}
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Code, e.Err)
	}
	return e.Code
}

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, Sentinel) true for any *Error with the same kind and code, so a
// sentinel enriched with args, details or a cause still matches.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Kind == e.Kind && t.Code == e.Code
}

// With returns a copy carrying the given message arguments.
func (e *Error) With(args map[string]any) *Error {
	c := *e
	c.Args = args
	return &c
}

// Field returns a copy that names a request field and the field's own code.
func (e *Error) Field(field, code string) *Error {
	c := *e
	c.Details = append(append([]Detail(nil), e.Details...), Detail{Field: field, Code: code})
	return &c
}

// Wrap returns a copy whose cause is err (for the logs).
func (e *Error) Wrap(err error) *Error {
	c := *e
	c.Err = err
	return &c
}

// After returns a copy that tells the client to retry after d.
func (e *Error) After(d time.Duration) *Error {
	c := *e
	c.RetryAfter = d
	return &c
}

// As returns the *Error in err's chain, if any.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// Common errors shared by several packages.
var (
	ErrInvalid         = New(Invalid, "invalid_request", "error.invalid_request")
	ErrUnknownField    = New(Invalid, "unknown_field", "error.unknown_field")
	ErrUnauthenticated = New(Unauthenticated, "unauthenticated", "error.unauthenticated")
	ErrForbidden       = New(Forbidden, "forbidden", "error.forbidden")
	ErrNotFound        = New(NotFound, "not_found", "error.not_found")
	ErrRateLimited     = New(RateLimited, "rate_limited", "error.rate_limited")
	ErrTooLarge        = New(TooLarge, "too_large", "error.too_large")
	ErrInternal        = New(Internal, "internal", "error.internal")
	ErrUnavailable     = New(Unavailable, "unavailable", "error.unavailable")
)
