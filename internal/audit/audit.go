package audit

import (
	"errors"
	"fmt"
	"net/netip"
	"regexp"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/securemailbox/securemailbox/internal/redact"
)

// Actors that are not accounts.
const (
	ActorSystem    = "system"    // jobs, maintenance, the server itself
	ActorAnonymous = "anonymous" // a request with no authenticated account (e.g. a failed login)
)

// Results of an event.
const (
	ResultSuccess = "success"
	ResultFailure = "failure"
	ResultDenied  = "denied"
)

// Event is one entry of the audit log.
type Event struct {
	ID         string            // set by Record when empty
	TenantID   string            // required
	At         time.Time         // UTC; Record uses the current time when zero
	Actor      string            // an account id, ActorSystem or ActorAnonymous; required
	Action     string            // dotted, lower case, e.g. "auth.login.failure"; required
	ObjectKind string            // e.g. "account", "session"; optional
	ObjectID   string            // optional
	Result     string            // ResultSuccess, ResultFailure or ResultDenied; required
	IP         string            // the client's address as the trusted-proxy logic saw it; optional
	Detail     map[string]string // short, non-secret facts; optional
}

// Filter narrows List.
type Filter struct {
	From   time.Time // inclusive; zero means no lower bound
	To     time.Time // exclusive; zero means no upper bound
	Action string    // an action or a dotted prefix: "auth.login" matches itself and "auth.login.*"
	Limit  int       // 0 means DefaultLimit; at most MaxLimit
	Cursor string    // from a previous List call; empty starts at the newest event
}

// Page sizes of List.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// ErrInvalid is wrapped by every validation error; nothing was written.
var ErrInvalid = errors.New("audit: invalid event")

// ErrSecretDetail is wrapped when a detail key names something secret.
var ErrSecretDetail = errors.New("audit: detail key names a secret")

const (
	maxIDLen          = 128
	maxActorLen       = 128
	maxActionLen      = 128
	maxObjectLen      = 256
	maxDetailKeys     = 32
	maxDetailKeyLen   = 64
	maxDetailValueLen = 1024
)

var (
	actionPattern     = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$`)
	actionPrefixRE    = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$`)
	objectKindPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	detailKeyPattern  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]*$`)
)

// checkText refuses invalid UTF-8, control characters and over-long values in a field that
// is shown in the log viewer as one line.
func checkText(field, s string, max int) error {
	if len(s) > max {
		return fmt.Errorf("%w: %s is longer than %d bytes", ErrInvalid, field, max)
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("%w: %s is not valid UTF-8", ErrInvalid, field)
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return fmt.Errorf("%w: %s contains a control character", ErrInvalid, field)
		}
	}
	return nil
}

// Validate checks an event before it is written. Errors name the field, never its value.
func (e Event) Validate() error {
	if e.TenantID == "" {
		return fmt.Errorf("%w: tenant is required", ErrInvalid)
	}
	if err := checkText("tenant", e.TenantID, maxIDLen); err != nil {
		return err
	}
	if err := checkText("id", e.ID, maxIDLen); err != nil {
		return err
	}
	if e.Action == "" {
		return fmt.Errorf("%w: action is required", ErrInvalid)
	}
	if len(e.Action) > maxActionLen || !actionPattern.MatchString(e.Action) {
		return fmt.Errorf("%w: action must be dotted lower-case words like auth.login.failure", ErrInvalid)
	}
	if e.Actor == "" {
		return fmt.Errorf("%w: actor is required", ErrInvalid)
	}
	if err := checkText("actor", e.Actor, maxActorLen); err != nil {
		return err
	}
	switch e.Result {
	case ResultSuccess, ResultFailure, ResultDenied:
	case "":
		return fmt.Errorf("%w: result is required", ErrInvalid)
	default:
		return fmt.Errorf("%w: result must be %s, %s or %s", ErrInvalid, ResultSuccess, ResultFailure, ResultDenied)
	}
	if e.ObjectKind != "" && (len(e.ObjectKind) > maxObjectLen || !objectKindPattern.MatchString(e.ObjectKind)) {
		return fmt.Errorf("%w: object kind must be a lower-case word", ErrInvalid)
	}
	if err := checkText("object id", e.ObjectID, maxObjectLen); err != nil {
		return err
	}
	if e.ObjectID != "" && e.ObjectKind == "" {
		return fmt.Errorf("%w: object id without object kind", ErrInvalid)
	}
	if e.IP != "" {
		if _, err := netip.ParseAddr(e.IP); err != nil {
			return fmt.Errorf("%w: ip is not an IP address", ErrInvalid)
		}
	}
	if len(e.Detail) > maxDetailKeys {
		return fmt.Errorf("%w: more than %d detail entries", ErrInvalid, maxDetailKeys)
	}
	for k, v := range e.Detail {
		if len(k) > maxDetailKeyLen || !detailKeyPattern.MatchString(k) {
			return fmt.Errorf("%w: detail key must be a short identifier", ErrInvalid)
		}
		if redact.Sensitive(k) {
			return fmt.Errorf("%w: %w: %q", ErrInvalid, ErrSecretDetail, k)
		}
		if len(v) > maxDetailValueLen {
			return fmt.Errorf("%w: detail %q is longer than %d bytes", ErrInvalid, k, maxDetailValueLen)
		}
		if !utf8.ValidString(v) {
			return fmt.Errorf("%w: detail %q is not valid UTF-8", ErrInvalid, k)
		}
	}
	return nil
}

// normalize returns the event as it is stored: UTC, microsecond precision (what both
// databases keep), canonical IP text.
func (e Event) normalize(now func() time.Time) Event {
	if e.At.IsZero() {
		e.At = now()
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	if e.IP != "" {
		if a, err := netip.ParseAddr(e.IP); err == nil {
			e.IP = a.Unmap().String()
		}
	}
	return e
}

func (f Filter) validate() error {
	if f.Action != "" && (len(f.Action) > maxActionLen || !actionPrefixRE.MatchString(f.Action)) {
		return fmt.Errorf("%w: action filter must be dotted lower-case words", ErrInvalid)
	}
	if f.Limit < 0 {
		return fmt.Errorf("%w: negative limit", ErrInvalid)
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return fmt.Errorf("%w: from must be before to", ErrInvalid)
	}
	return nil
}

func (f Filter) limit() int {
	switch {
	case f.Limit == 0:
		return DefaultLimit
	case f.Limit > MaxLimit:
		return MaxLimit
	}
	return f.Limit
}
