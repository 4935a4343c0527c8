package web

import (
	"fmt"
	"log/slog"
	"net/netip"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/oklog/ulid/v2"

	"github.com/securemailbox/securemailbox/internal/web/request"
)

const (
	staticPrefix = "/static/"
)

// observe is the outermost middleware: it starts the request (id, client address,
// language), recovers panics, turns errors into responses and only then records metrics
// and the access log. Doing all of this in one place is what lets the metrics and the log
// see the status the client actually got, including for panics.
func (s *Server) observe(c *fiber.Ctx) error {
	start := time.Now()
	s.begin(c)
	if err := s.protect(c, c.Next); err != nil {
		if herr := s.protect(c, func() error { return s.handleError(c, err) }); herr != nil {
			s.log.Error("web: error handler failed", "request_id", request.ID(c), "error", herr)
			c.Response().Reset()
			c.Set(fiber.HeaderXRequestID, request.ID(c))
			setSecurityHeaders(c, false)
			c.Status(fiber.StatusInternalServerError)
		}
	}
	d := time.Since(start)
	status := c.Response().StatusCode()
	// Route().Path is the registered pattern (/api/v1/messages/:id); the raw path and query
	// may carry ids and tokens and never reach the log or the metrics.
	route := c.Route().Path
	s.metrics.observe(c.Method(), route, status, d)
	s.log.LogAttrs(c.Context(), slog.LevelInfo, "http request",
		slog.String("method", c.Method()),
		slog.String("route", route),
		slog.Int("status", status),
		slog.Duration("duration", d),
		slog.String("request_id", request.ID(c)),
	)
	return nil
}

// begin installs the per-request state. Every request gets a fresh id: one supplied by the
// client could be chosen to collide with or impersonate another request in the logs.
func (s *Server) begin(c *fiber.Ctx) {
	id := ulid.Make().String()
	request.SetID(c, id)
	c.Set(fiber.HeaderXRequestID, id)
	request.SetClientIP(c, s.clientIP(c))
	explicit := c.Cookies(request.LangCookie)
	if !s.deps.I18n.Supported(explicit) {
		explicit = ""
	}
	request.SetLanguages(c, s.deps.I18n, strings.Clone(explicit), s.deps.AccountLocale)
}

// protect runs f and turns a panic into an error. The stack goes to the log only.
func (s *Server) protect(c *fiber.Ctx, f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.log.Error("web: panic", "request_id", request.ID(c), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			err = fmt.Errorf("web: panic: %v", r)
		}
	}()
	return f()
}

// clientIP walks X-Forwarded-For from the right: each hop was appended by the proxy before
// it, so entries are believed only while the one who appended them is a trusted proxy. The
// first untrusted address is the client; anything left of it is whatever the client sent.
func (s *Server) clientIP(c *fiber.Ctx) string {
	peer, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	if !ok {
		return c.Context().RemoteIP().String()
	}
	peer = peer.Unmap()
	if !s.isTrusted(peer) {
		return peer.String()
	}
	var hops []string
	for _, v := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
		hops = append(hops, strings.Split(string(v), ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(hops[i])
		if !ok {
			break // a garbled hop: trust stops at the last proxy we know
		}
		if !s.isTrusted(a) {
			return a.String()
		}
		peer = a
	}
	return peer.String()
}

func parseHop(h string) (netip.Addr, bool) {
	h = strings.TrimSpace(h)
	if a, err := netip.ParseAddr(h); err == nil {
		return a.Unmap(), true
	}
	// Some proxies append the client's port too.
	if ap, err := netip.ParseAddrPort(h); err == nil {
		return ap.Addr().Unmap(), true
	}
	return netip.Addr{}, false
}

func (s *Server) isTrusted(a netip.Addr) bool {
	for _, p := range s.trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// secureHeaders sets the security headers before anything else can answer; the error
// handler sets them again because it replaces the response.
func (s *Server) secureHeaders(c *fiber.Ctx) error {
	setSecurityHeaders(c, strings.HasPrefix(c.Path(), staticPrefix))
	return c.Next()
}

// setSecurityHeaders sets the headers every response carries. Only static assets may be
// cached (their handler sets how); everything else may hold personal data and is no-store.
func setSecurityHeaders(c *fiber.Ctx, cacheable bool) {
	h := &c.Response().Header
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
	h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	h.Set("X-Frame-Options", "DENY")
	if !cacheable {
		h.Set("Cache-Control", "no-store")
	}
}

// csrf refuses unsafe requests that may have been forged by another site.
//
// Exempt are API requests with "Authorization: Bearer": a cross-site page cannot make a browser
// add that header (it would need a CORS preflight we never grant), so such clients are not
// exposed to CSRF. The authentication layer must then authenticate such a request by the
// token alone and ignore its cookies, so the exemption never covers a cookie session (which
// would matter the day a CORS policy let pages add the header). Also exempt are
// /webhooks/, whose senders cannot hold our token; their handlers check signatures instead.
// And exempt are API requests that carry no cookie at all: they hold no ambient credential
// for another site to ride on, and anonymous API clients (sign-up, POST /api/v1/sessions,
// password reset) have no token to send. Any cookie, even one unrelated to the session,
// brings the check back.
func (s *Server) csrf(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions, fiber.MethodTrace:
		return c.Next()
	}
	// A bearer token is exempt only on the API: the pages are used with cookie sessions, so
	// an Authorization header there must not switch the check off.
	if strings.HasPrefix(c.Path(), "/webhooks/") || (request.HasBearer(c) && request.IsAPI(c)) {
		return c.Next()
	}
	if request.IsAPI(c) && len(c.Request().Header.Peek(fiber.HeaderCookie)) == 0 {
		return c.Next()
	}
	// Sec-Fetch-Site comes from the browser and cannot be forged by a page; it stops a
	// cross-site form even before the token is looked at.
	if c.Get("Sec-Fetch-Site") == "cross-site" || !request.VerifyCSRF(c) {
		return errCSRF
	}
	return c.Next()
}
