package request

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/i18n"
)

// localKey keys the values this package keeps in fiber's per-request locals. An unexported
// type keeps other packages from reading or overwriting them by accident.
type localKey int

const (
	keyID localKey = iota
	keyClientIP
	keyLang
	keyCSRF
)

// maxUserAgent bounds what is kept of a User-Agent: enough to tell devices apart in a session
// list, short enough that a hostile header cannot bloat rows and logs.
const maxUserAgent = 200

// SetID records the request id. The web middleware calls it once per request.
func SetID(c *fiber.Ctx, id string) { c.Locals(keyID, id) }

// ID returns the request id ("" only when the web middleware did not run).
func ID(c *fiber.Ctx) string {
	id, _ := c.Locals(keyID).(string)
	return id
}

// SetClientIP records the client address the web middleware derived from the peer and the
// X-Forwarded-For hops of trusted proxies.
func SetClientIP(c *fiber.Ctx, ip string) { c.Locals(keyClientIP, ip) }

// ClientIP returns the client's address: the X-Forwarded-For entry vouched for by trusted
// proxies when the middleware found one, else the peer address of the connection.
func ClientIP(c *fiber.Ctx) string {
	if ip, ok := c.Locals(keyClientIP).(string); ok && ip != "" {
		return ip
	}
	return c.Context().RemoteIP().String()
}

// UserAgent returns a copy of the User-Agent header, made valid UTF-8 and cut to 200
// characters.
func UserAgent(c *fiber.Ctx) string {
	ua := strings.ToValidUTF8(c.Get(fiber.HeaderUserAgent), "\uFFFD")
	if utf8.RuneCountInString(ua) > maxUserAgent {
		ua = string([]rune(ua)[:maxUserAgent])
	}
	return strings.Clone(ua)
}

// IsAPI reports whether the request is for the JSON API (errors are JSON there, HTML
// elsewhere). Routing is case-sensitive, so a plain prefix test agrees with the router.
func IsAPI(c *fiber.Ctx) bool {
	p := c.Path()
	return p == "/api" || strings.HasPrefix(p, "/api/")
}

// Form returns a trimmed copy of a form field from the request body (URL-encoded or
// multipart; never the query string). Do not use it for passwords and other secrets,
// where surrounding spaces are part of the value: use FormRaw.
func Form(c *fiber.Ctx, name string) string {
	return strings.TrimSpace(FormRaw(c, name))
}

// FormRaw returns an untrimmed copy of a form field from the request body.
func FormRaw(c *fiber.Ctx, name string) string {
	if v := c.Request().PostArgs().Peek(name); v != nil {
		return string(v)
	}
	if !strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEMultipartForm) {
		return ""
	}
	form, err := c.MultipartForm()
	if err != nil || len(form.Value[name]) == 0 {
		return ""
	}
	// The multipart parser allocates its own strings, so this is already a copy.
	return form.Value[name][0]
}

// SetRetryAfter sets Retry-After to d rounded up to whole seconds (at least one), the same
// wait that i18n words in the message of a rate-limited fault.
func SetRetryAfter(c *fiber.Ctx, d time.Duration) {
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int(i18n.RoundWait(d)/time.Second)))
}

// Bearer returns the token of an "Authorization: Bearer" header (copied). It is the one
// parser of that header: the CSRF exemption and the session middleware must agree on
// which requests carry a token.
func Bearer(c *fiber.Ctx) (string, bool) {
	scheme, token, ok := strings.Cut(c.Get(fiber.HeaderAuthorization), " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return strings.Clone(token), true
}

// HasBearer reports whether the request carries a bearer token.
func HasBearer(c *fiber.Ctx) bool {
	_, ok := Bearer(c)
	return ok
}

// LocalPath returns a copy of s and true when s is a path on this site, the one check for
// every redirect target a request names. Browsers read "//host", "/\host" and paths with
// control characters as other hosts, so those are refused.
func LocalPath(s string) (string, bool) {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if ch := s[i]; ch == '\\' || ch < 0x20 || ch == 0x7f {
			return "", false
		}
	}
	return strings.Clone(s), true
}
