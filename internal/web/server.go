package web

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/securemailbox/securemailbox/internal/i18n"
)

// Defaults for the zero values of Options.
const (
	defaultAddr         = "127.0.0.1:8080"
	defaultBodyLimit    = 1 << 20 // 1 MiB; uploads get their own streaming route
	defaultReadTimeout  = 30 * time.Second
	defaultWriteTimeout = 60 * time.Second
	defaultIdleTimeout  = 120 * time.Second

	// shutdownTimeout bounds the graceful shutdown: requests still running after it are cut.
	shutdownTimeout = 10 * time.Second
	// readyTimeout bounds GET /readyz so a hung database makes the probe fail, not hang.
	readyTimeout = 2 * time.Second
	// readBufferSize bounds the request head (request line, headers, cookies).
	readBufferSize = 16 << 10
)

// Options configure the HTTP server. Zero values get the defaults above.
type Options struct {
	Addr            string   // listen address when Run gets no listener
	TLSCert, TLSKey string   // PEM files; when both are set the server speaks only HTTPS
	RedirectAddr    string   // with TLS: a plain-HTTP listener that only redirects to HTTPS
	TrustedProxies  []string // IPs or CIDRs whose X-Forwarded-For/-Proto/-Host are believed
	BodyLimit       int      // bytes
	ReadTimeout     time.Duration
	WriteTimeout    time.Duration
	IdleTimeout     time.Duration
	Dev             bool // static assets are revalidated instead of cached for a year
}

// Deps are the collaborators of the server. I18n is required; the rest may be nil.
type Deps struct {
	Logger *slog.Logger
	I18n   *i18n.Bundle
	// Ready reports whether the server can take traffic (the database answers); GET /readyz.
	Ready func(ctx context.Context) error
	// Metrics receives the HTTP metrics and the Go and process collectors; nil makes one.
	Metrics *prometheus.Registry
	// ErrorPage renders the HTML error page; nil renders a minimal built-in page.
	ErrorPage func(c *fiber.Ctx, status int, message, requestID string) templ.Component
	Areas     []Area
	// Static is served under /static/ with a long cache lifetime, so its names should
	// change with their content.
	Static fs.FS
	// AccountLocale returns the logged-in account's locale or "". It is asked whenever a
	// handler needs the language, i.e. after the areas' authentication middleware.
	AccountLocale func(c *fiber.Ctx) string
}

// Area is one domain area's HTTP surface (auth, mailbox, organizer, ...).
type Area interface {
	Mount(r fiber.Router)
}

// Server is the fiber app with its middleware, error handler and listeners.
type Server struct {
	opts    Options
	deps    Deps
	log     *slog.Logger
	app     *fiber.App
	tls     *tls.Config
	trusted []netip.Prefix
	metrics *httpMetrics
}

// New builds the app: middleware, the routes this package owns, then every area's routes.
func New(opts Options, deps Deps) (*Server, error) {
	if deps.I18n == nil {
		return nil, errors.New("web: an i18n bundle is required")
	}
	opts = withDefaults(opts)
	s := &Server{opts: opts, deps: deps, log: deps.Logger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	var err error
	if s.trusted, err = parseProxies(opts.TrustedProxies); err != nil {
		return nil, err
	}
	if s.tls, err = tlsConfig(opts); err != nil {
		return nil, err
	}
	if s.metrics, err = newHTTPMetrics(deps.Metrics); err != nil {
		return nil, err
	}

	proxies := make([]string, len(s.trusted))
	for i, p := range s.trusted {
		proxies[i] = p.String()
	}
	s.app = fiber.New(fiber.Config{
		DisableStartupMessage: true,
		// Exact paths keep the prefix tests (/api/, /webhooks/, /static/) in step with routing.
		CaseSensitive:  true,
		BodyLimit:      opts.BodyLimit,
		ReadBufferSize: readBufferSize,
		ReadTimeout:    opts.ReadTimeout,
		WriteTimeout:   opts.WriteTimeout,
		IdleTimeout:    opts.IdleTimeout,
		ErrorHandler:   s.handleError,
		// Without the check fiber believes X-Forwarded-* from anyone; with it and an empty
		// list it believes no one.
		EnableTrustedProxyCheck: true,
		TrustedProxies:          proxies,
	})

	s.app.Use(s.observe, s.secureHeaders, s.csrf)
	s.routes()
	for _, a := range deps.Areas {
		a.Mount(s.app)
	}
	return s, nil
}

func withDefaults(o Options) Options {
	if o.Addr == "" {
		o.Addr = defaultAddr
	}
	if o.BodyLimit <= 0 {
		o.BodyLimit = defaultBodyLimit
	}
	if o.ReadTimeout <= 0 {
		o.ReadTimeout = defaultReadTimeout
	}
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = defaultWriteTimeout
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = defaultIdleTimeout
	}
	return o
}

func parseProxies(list []string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(list))
	for _, s := range list {
		s = strings.TrimSpace(s)
		if !strings.Contains(s, "/") {
			a, err := netip.ParseAddr(s)
			if err != nil {
				return nil, fmt.Errorf("web: trusted proxy %q: %w", s, err)
			}
			a = a.Unmap()
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("web: trusted proxy %q: %w", s, err)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// App returns the fiber app, for tests (app.Test).
func (s *Server) App() *fiber.App { return s.app }

// Run serves on ln (or on Options.Addr when ln is nil) until ctx is done, then shuts down
// gracefully within 10 s. With TLS it wraps ln in TLS and, when RedirectAddr is set, also
// serves the HTTP-to-HTTPS redirect there. It returns nil after a clean shutdown.
func (s *Server) Run(ctx context.Context, ln net.Listener) error {
	if ln == nil {
		var err error
		if ln, err = net.Listen("tcp", s.opts.Addr); err != nil {
			return fmt.Errorf("web: listen on %s: %w", s.opts.Addr, err)
		}
	}
	var redirect *http.Server
	var redirectLn net.Listener
	if s.tls != nil {
		if s.opts.RedirectAddr != "" {
			var err error
			if redirectLn, err = net.Listen("tcp", s.opts.RedirectAddr); err != nil {
				_ = ln.Close()
				return fmt.Errorf("web: listen on %s: %w", s.opts.RedirectAddr, err)
			}
			redirect = s.redirectServer(ln.Addr())
		}
		ln = tls.NewListener(ln, s.tls)
	}

	errc := make(chan error, 2)
	running := 1
	go func() { errc <- s.app.Listener(ln) }()
	if redirect != nil {
		running++
		go func() { errc <- redirect.Serve(redirectLn) }()
	}

	var runErr error
	select {
	case <-ctx.Done():
	case err := <-errc:
		running--
		runErr = fmt.Errorf("web: serve: %w", err)
	}

	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := s.app.ShutdownWithContext(sctx); err != nil && runErr == nil {
		runErr = fmt.Errorf("web: shutdown: %w", err)
	}
	if redirect != nil {
		if err := redirect.Shutdown(sctx); err != nil && runErr == nil {
			runErr = fmt.Errorf("web: shutdown redirect: %w", err)
		}
	}
	for ; running > 0; running-- {
		if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) && runErr == nil {
			runErr = fmt.Errorf("web: serve: %w", err)
		}
	}
	return runErr
}
