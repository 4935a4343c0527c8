package web

import (
	"context"
	"io/fs"
	"mime"
	"net/netip"
	"path"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/securemailbox/securemailbox/internal/fault"
	"github.com/securemailbox/securemailbox/internal/web/request"
)

const (
	langMaxAge = 365 * 24 * time.Hour
	// staticCache suits assets whose names change with their content.
	staticCache    = "public, max-age=31536000, immutable"
	staticCacheDev = "no-cache"
)

// routes mounts what this package owns: probes, metrics, static assets and the language
// switch.
func (s *Server) routes() {
	s.app.Get("/healthz", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
		return c.SendString("ok")
	})
	s.app.Get("/readyz", s.readyz)
	s.app.Get("/metrics", s.loopbackOnly, s.metrics.handler())
	if s.deps.Static != nil {
		s.app.Get(staticPrefix+"*", s.static)
	}
	s.app.Post("/lang", s.setLang)
}

func (s *Server) readyz(c *fiber.Ctx) error {
	if s.deps.Ready != nil {
		ctx, cancel := context.WithTimeout(request.Context(c), readyTimeout)
		defer cancel()
		if err := s.deps.Ready(ctx); err != nil {
			return fault.ErrUnavailable.Wrap(err)
		}
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextPlainCharsetUTF8)
	return c.SendString("ok")
}

func (s *Server) static(c *fiber.Ctx) error {
	name := c.Params("*")
	// fs.ValidPath rejects "..", empty and rooted names, so nothing outside Static is reachable.
	if !fs.ValidPath(name) || name == "." {
		return fault.ErrNotFound
	}
	data, err := fs.ReadFile(s.deps.Static, name)
	if err != nil {
		// Directories and missing files alike.
		return fault.ErrNotFound
	}
	c.Set(fiber.HeaderContentType, staticType(path.Ext(name)))
	if s.opts.Dev {
		c.Set(fiber.HeaderCacheControl, staticCacheDev)
	} else {
		c.Set(fiber.HeaderCacheControl, staticCache)
	}
	return c.Send(data)
}

// setLang stores the visitor's language choice and sends them back where they were.
func (s *Server) setLang(c *fiber.Ctx) error {
	lang := request.Form(c, "lang")
	if !s.deps.I18n.Supported(lang) {
		return fault.ErrInvalid.Field("lang", "unsupported")
	}
	request.SetCookie(c, request.LangCookie, lang, langMaxAge)
	return c.Redirect(localOrRoot(request.Form(c, "next")), fiber.StatusSeeOther)
}

// staticType pins the content types of the assets we ship, so they do not depend on the
// host's mime tables (nosniff makes a wrong type fatal for scripts and styles).
func staticType(ext string) string {
	switch strings.ToLower(ext) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".json", ".map":
		return "application/json"
	case ".svg":
		return "image/svg+xml"
	case ".png":
		return "image/png"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".webp":
		return "image/webp"
	case ".ico":
		return "image/x-icon"
	case ".woff2":
		return "font/woff2"
	case ".woff":
		return "font/woff"
	case ".txt":
		return "text/plain; charset=utf-8"
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return fiber.MIMEOctetStream
}

// loopbackOnly lets only a scraper on this machine read the metrics: the direct peer must be
// a loopback address that is not a configured proxy, and the request must carry no
// forwarding header (a proxy on this machine would make every visitor look local).
// Elsewhere /metrics does not exist.
func (s *Server) loopbackOnly(c *fiber.Ctx) error {
	ip, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	if !ok || !ip.Unmap().IsLoopback() || s.isTrusted(ip.Unmap()) {
		return fault.ErrNotFound
	}
	for _, h := range []string{fiber.HeaderXForwardedFor, "Forwarded", "X-Real-Ip", fiber.HeaderXForwardedHost, fiber.HeaderXForwardedProto} {
		if c.Get(h) != "" {
			return fault.ErrNotFound
		}
	}
	return c.Next()
}

// localOrRoot is next when it is a path on this site, else "/".
func localOrRoot(next string) string {
	if p, ok := request.LocalPath(next); ok {
		return p
	}
	return "/"
}
