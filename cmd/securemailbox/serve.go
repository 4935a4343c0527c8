package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"

	"github.com/securemailbox/securemailbox/internal/auth"
	"github.com/securemailbox/securemailbox/internal/config"
	"github.com/securemailbox/securemailbox/internal/web"
	"github.com/securemailbox/securemailbox/organizer"
	"github.com/securemailbox/securemailbox/views"
)

// serve runs the web server and the job workers until ctx is cancelled.
func serve(ctx context.Context, cfg config.Config, log *slog.Logger, stdout io.Writer) error {
	sys, err := build(ctx, cfg, log, buildMode{migrate: cfg.Migrate, jobs: true})
	if err != nil {
		return err
	}
	defer sys.Close()

	srv, err := newWebServer(sys)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	scheme := "http"
	if cfg.TLSCert != "" {
		scheme = "https"
	}
	fmt.Fprintf(stdout, "SecureMailbox is running at %s://%s\n", scheme, ln.Addr())
	if cfg.Dev {
		fmt.Fprintf(stdout, "Dev mode: e-mail and SMS are not sent; read them at %s://%s/dev/outbox\n", scheme, ln.Addr())
	}
	return srv.Run(ctx, ln)
}

// newWebServer mounts every area on the web platform.
func newWebServer(sys *system) (*web.Server, error) {
	static, err := fs.Sub(views.Assets, "assets")
	if err != nil {
		return nil, err
	}
	authHTTP := auth.NewHTTP(sys.auth, auth.HTTPOptions{Dev: sys.cfg.Dev})
	// Public documents first: they must not pass through the session middleware, which
	// would attach Set-Cookie to cacheable answers.
	areas := []web.Area{web.OpenAPIArea(), web.RegionsArea(sys.blob), authHTTP, organizer.NewHTTP(sys.organizer, authHTTP, sys.auth)}
	if sys.outbox != nil {
		areas = append(areas, web.NewDevOutbox(sys.outbox, authHTTP.Page))
	}
	return web.New(web.Options{
		Addr:           sys.cfg.Addr,
		TLSCert:        sys.cfg.TLSCert,
		TLSKey:         sys.cfg.TLSKey,
		RedirectAddr:   sys.cfg.RedirectAddr,
		TrustedProxies: sys.cfg.TrustedProxies,
		Dev:            sys.cfg.Dev,
	}, web.Deps{
		Logger:        sys.log,
		I18n:          sys.i18n,
		Ready:         func(ctx context.Context) error { return sys.db.PingContext(ctx) },
		Metrics:       sys.metrics,
		ErrorPage:     authHTTP.ErrorPage,
		Areas:         areas,
		Static:        static,
		AccountLocale: authHTTP.AccountLocale,
	})
}
