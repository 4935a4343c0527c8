package auth

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

// Cookies of this area. All are __Host- cookies (Secure, HttpOnly, SameSite=Lax, Path=/,
// no Domain) set through request.SetCookie.
const (
	sessionCookie = "__Host-session" // the session token of a full login
	mfaCookie     = "__Host-mfa"     // the token between password and second factor
	nextCookie    = "__Host-next"    // where to go once the login is complete
	verifyCookie  = "__Host-verify"  // the account id the verify page is about (not secret)

	nextMaxAge   = 15 * time.Minute
	verifyMaxAge = 24 * time.Hour
)

type localKey int

const keyAuth localKey = iota

// authState is what the session middleware found out about a request.
type authState struct {
	session   *Session
	token     string // the token the request presented, "" when none
	viaCookie bool   // the token came from the session cookie, not a bearer header
	err       error  // why a presented token did not authenticate
}

func authOf(c *fiber.Ctx) *authState {
	if st, ok := c.Locals(keyAuth).(*authState); ok {
		return st
	}
	return &authState{}
}

// SessionFrom returns the request's authenticated session, or nil.
func SessionFrom(c *fiber.Ctx) *Session { return authOf(c).session }

// authenticate is the session middleware. A bearer token is the only credential of its
// request: cookies are then ignored, which is what lets the CSRF layer exempt bearer
// requests. Otherwise the session cookie is used; a dead one is cleared. A missing or dead
// token is not an error here: RequireSession decides what a handler needs.
func (h *HTTP) authenticate(c *fiber.Ctx) error {
	st := &authState{}
	c.Locals(keyAuth, st)
	if t, ok := request.Bearer(c); ok {
		st.token = t
	} else if t := c.Cookies(sessionCookie); t != "" {
		st.token, st.viaCookie = strings.Clone(t), true
	}
	if st.token == "" {
		return c.Next()
	}
	sess, err := h.svc.Authenticate(c.UserContext(), st.token)
	switch {
	case err == nil:
		st.session = sess
	case errors.Is(err, ErrUnauthenticated), errors.Is(err, ErrMFARequired):
		st.err = err
		if st.viaCookie {
			request.ClearCookie(c, sessionCookie)
		}
	default:
		return err
	}
	return c.Next()
}

// SessionHandler is a handler that runs only for an authenticated session.
type SessionHandler func(c *fiber.Ctx, s *Session) error

// RequireSession runs fn for an authenticated request. Otherwise the API answers 401
// unauthenticated (mfa_required for a token still waiting for its second factor) and pages
// send the visitor to the login, to come back to the page they asked for.
func (h *HTTP) RequireSession(fn SessionHandler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		st := authOf(c)
		if st.session != nil {
			return fn(c, st.session)
		}
		if request.IsAPI(c) {
			if errors.Is(st.err, ErrMFARequired) {
				return ErrMFARequired
			}
			return ErrUnauthenticated
		}
		next := ""
		if c.Method() == fiber.MethodGet {
			next = localNext(c.OriginalURL())
		}
		return redirect(c, withQuery("/login", "next", next))
	}
}

// startSession puts a freshly issued full session into the session cookie and drops the
// cookies of the login steps. It also ends the sessions the browser held before (a full
// one, a pending one), so a new login never leaves a live token behind.
func (h *HTTP) startSession(c *fiber.Ctx, iss Issued) error {
	var previous string
	if st := authOf(c); st.viaCookie {
		previous = st.token
	}
	for _, old := range []string{previous, cookie(c, mfaCookie)} {
		if old == "" || old == iss.Token {
			continue
		}
		if err := h.svc.Logout(c.UserContext(), old); err != nil {
			return err
		}
	}
	h.setSessionCookie(c, iss)
	forget(c, mfaCookie)
	forget(c, nextCookie)
	return nil
}

// setSessionCookie stores a session token in the cookie until the session's absolute expiry.
func (h *HTTP) setSessionCookie(c *fiber.Ctx, iss Issued) {
	request.SetCookie(c, sessionCookie, iss.Token, h.untilExpiry(iss.ExpiresAt))
}

// rotated makes a rotated session (step-up) the request's credential from now on: a cookie
// session gets the new token in its cookie and the token is kept out of the response body,
// where page scripts could read it; a bearer client gets it back to use from now on.
func (h *HTTP) rotated(c *fiber.Ctx, iss Issued) string {
	if authOf(c).viaCookie {
		h.setSessionCookie(c, iss)
		return ""
	}
	return iss.Token
}

// untilExpiry is a cookie max-age ending at t; never zero, which would mean a browser-session
// cookie.
func (h *HTTP) untilExpiry(t time.Time) time.Duration {
	return max(time.Second, t.Sub(h.svc.now()))
}

// clearLogin removes every cookie of a login.
func clearLogin(c *fiber.Ctx) {
	forget(c, sessionCookie)
	forget(c, mfaCookie)
	forget(c, nextCookie)
}

// forget clears a cookie the request carries.
func forget(c *fiber.Ctx, name string) {
	if c.Cookies(name) != "" {
		request.ClearCookie(c, name)
	}
}

// cookie returns a copy of a request cookie; nothing for a bearer request, whose token is
// its only credential.
func cookie(c *fiber.Ctx, name string) string {
	if _, ok := request.Bearer(c); ok {
		return ""
	}
	return strings.Clone(c.Cookies(name))
}

// localNext returns s if it is a path on this site, else "".
func localNext(s string) string {
	p, _ := request.LocalPath(s)
	return p
}

// orDefault returns s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// withQuery appends name=value to a local path; an empty value adds nothing.
func withQuery(path, name, value string) string {
	if value == "" {
		return path
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return path + sep + name + "=" + url.QueryEscape(value)
}

// redirect answers a form post (and a page that sends the visitor elsewhere) with
// 303 See Other, so the browser follows with a GET (Post/Redirect/Get).
func redirect(c *fiber.Ctx, location string) error {
	return c.Redirect(location, fiber.StatusSeeOther)
}
