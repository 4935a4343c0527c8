package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/uptrace/bun"

	"github.com/securemailbox/securemailbox/internal/audit"
	"github.com/securemailbox/securemailbox/internal/auth"
	"github.com/securemailbox/securemailbox/internal/blob"
	"github.com/securemailbox/securemailbox/internal/config"
	"github.com/securemailbox/securemailbox/internal/db"
	"github.com/securemailbox/securemailbox/internal/i18n"
	"github.com/securemailbox/securemailbox/internal/jobs"
	"github.com/securemailbox/securemailbox/internal/keys"
	"github.com/securemailbox/securemailbox/internal/notify"
	"github.com/securemailbox/securemailbox/migrations"
	"github.com/securemailbox/securemailbox/organizer"
	"github.com/securemailbox/securemailbox/policy"
	"github.com/securemailbox/securemailbox/tenants"
)

// system is everything a process runs on, built by build in dependency order and closed
// by Close in reverse.
type system struct {
	cfg       config.Config
	log       *slog.Logger
	db        *bun.DB
	master    *keys.MasterKeyring
	i18n      *i18n.Bundle
	outbox    *notify.Outbox // dev mode only
	mailer    notify.Mailer
	sms       notify.SMSSender
	metrics   *prometheus.Registry
	audit     *audit.Store
	tenants   *tenants.Service
	policy    *policy.Authorizer
	auth      *auth.Service
	organizer *organizer.Service
	blob      *blob.Store
	jobs      *jobs.Client
	closers   []func() error
}

// buildMode says how far build goes and what it may do to the schema.
type buildMode struct {
	migrate bool // apply pending migrations (else refuse to run on an outdated schema)
	jobs    bool // start the background job client
}

// build wires the system. On error everything built so far is closed again.
func build(ctx context.Context, cfg config.Config, log *slog.Logger, mode buildMode) (_ *system, err error) {
	s := &system{cfg: cfg, log: log}
	defer func() {
		if err != nil {
			_ = s.Close()
		}
	}()
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("configuration:\n%w", err)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	if s.master, err = loadMasterKey(cfg); err != nil {
		return nil, err
	}
	if s.db, err = db.Open(ctx, db.Options{URL: cfg.DatabaseURL}); err != nil {
		return nil, err
	}
	s.closers = append(s.closers, s.db.Close)
	if err := s.schema(ctx, mode.migrate); err != nil {
		return nil, err
	}
	if s.i18n, err = i18n.New(); err != nil {
		return nil, err
	}
	if err := s.notifications(); err != nil {
		return nil, err
	}
	blobOpts, err := blobOptions(cfg)
	if err != nil {
		return nil, err
	}
	blobOpts.Logger = log
	s.metrics = prometheus.NewRegistry()
	blobOpts.Registerer = s.metrics
	s.audit = audit.NewStore(s.db)
	s.tenants = tenants.New(tenants.NewBunStore(s.db), tenants.Options{DefaultRegion: blobOpts.NewTenantRegion()})
	if s.policy, err = policy.New(s.tenants); err != nil {
		return nil, err
	}
	s.auth = auth.New(auth.Options{
		BaseURL:         cfg.BaseURL,
		SessionIdle:     cfg.SessionIdle,
		SessionAbsolute: cfg.SessionAbsolute,
		Logger:          log,
	}, auth.Deps{
		DB: s.db, Master: s.master,
		// 64 MiB per Argon2id run, at most four at once for logins and two for making
		// recovery codes: a burst costs at most 384 MiB and queues instead of starving
		// other requests, and sign-ups cannot hold up logins.
		Hasher:     keys.NewHasher(keys.DefaultKDFParams(), 4),
		CodeHasher: keys.NewHasher(keys.DefaultKDFParams(), 2),
		Mailer:     s.mailer, SMS: s.sms, Tenants: s.tenants, Audit: s.audit, I18n: s.i18n,
	})
	s.closers = append(s.closers, func() error { s.auth.Drain(); return nil })

	workers := jobs.NewWorkers()
	jobs.Register(workers, func(ctx context.Context, _ auth.CleanupArgs) error { return s.auth.Cleanup(ctx) })
	jobs.Register(workers, func(ctx context.Context, a blob.RepairArgs) error { return s.blob.Repair(ctx, a.ObjectID) })
	jobs.Register(workers, func(ctx context.Context, a blob.DeleteArgs) error { return s.blob.DeleteCopy(ctx, a.ObjectID, a.Site) })
	jobs.Register(workers, func(ctx context.Context, _ blob.ScrubArgs) error { _, err := s.blob.Scrub(ctx); return err })
	jobs.Register(workers, func(ctx context.Context, _ blob.OrphanArgs) error { _, err := s.blob.CollectOrphans(ctx); return err })
	jobs.Register(workers, func(ctx context.Context, a blob.MoveArgs) error {
		return s.organizer.RunResidencyMove(ctx, a.Tenant, a.Region)
	})
	if s.jobs, err = jobs.New(ctx, s.db, cfg.DatabaseURL, workers, jobs.Options{
		Logger: log,
		Periodic: []jobs.Periodic{
			{Every: 15 * time.Minute, Args: auth.CleanupArgs{}, RunOnStart: true},
			{Every: 24 * time.Hour, Args: blob.ScrubArgs{}},
			{Every: time.Hour, Args: blob.OrphanArgs{}},
		},
	}); err != nil {
		return nil, err
	}
	s.closers = append(s.closers, func() error {
		sctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		return s.jobs.Stop(sctx)
	})
	if s.blob, err = blob.Open(ctx, s.db, blobOpts, s.jobs); err != nil {
		return nil, err
	}
	// The blob store closes after the job workers stop (closers run in reverse), because
	// running repairs and moves use it.
	jobsStop := s.closers[len(s.closers)-1]
	s.closers = append(s.closers[:len(s.closers)-1], s.blob.Close, jobsStop)
	s.organizer = organizer.New(organizer.Deps{
		DB: db.Transactor{DB: s.db}, Tenants: s.tenants, Policy: s.policy, Storage: s.blob,
		Scheduler: s.jobs, Audit: s.audit, Logger: log,
	})
	if mode.jobs {
		if err := s.jobs.Start(ctx); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// blobOptions maps the configured regions (or the embedded default) to the blob store's.
func blobOptions(cfg config.Config) (blob.Options, error) {
	if len(cfg.Regions) == 0 {
		o := blob.DefaultOptions(cfg.DataDir)
		if cfg.DefaultRegion != "" {
			o.DefaultRegion = cfg.DefaultRegion
		}
		return o, nil
	}
	o := blob.Options{DefaultRegion: cfg.DefaultRegion}
	for _, r := range cfg.Regions {
		ro := blob.RegionOptions{ID: r.ID, Name: r.Name}
		for _, st := range r.Sites {
			secret := st.SecretKey
			if st.SecretKeyFile != "" {
				b, err := os.ReadFile(st.SecretKeyFile)
				if err != nil {
					return o, fmt.Errorf("region %s site %s: %w", r.ID, st.Name, err)
				}
				secret = strings.TrimRight(string(b), "\r\n")
			}
			ro.Sites = append(ro.Sites, blob.SiteOptions{
				Name: st.Name, Kind: st.Kind, Dir: st.Dir, Endpoint: st.Endpoint, Bucket: st.Bucket,
				AccessKey: st.AccessKey, SecretKey: secret, S3Region: st.S3Region, UseTLS: st.UseTLS,
			})
		}
		o.Regions = append(o.Regions, ro)
	}
	if err := o.Validate(); err != nil {
		return o, fmt.Errorf("regions: %w", err)
	}
	return o, nil
}

// Close releases everything in reverse order of construction.
func (s *system) Close() error {
	var errs []error
	for i := len(s.closers) - 1; i >= 0; i-- {
		errs = append(errs, s.closers[i]())
	}
	s.closers = nil
	return errors.Join(errs...)
}

// schema migrates, or refuses an outdated schema.
func (s *system) schema(ctx context.Context, migrate bool) error {
	if migrate {
		applied, err := migrations.Up(ctx, s.db)
		if err != nil {
			return err
		}
		if err := jobs.Migrate(ctx, s.db, s.cfg.DatabaseURL); err != nil {
			return err
		}
		if len(applied) > 0 {
			s.log.Info("migrated", "applied", applied)
		}
		return nil
	}
	pending, err := pendingMigrations(ctx, s.db, s.cfg.DatabaseURL)
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		return fmt.Errorf("the database schema is not up to date (%d pending migrations): run `securemailbox migrate` or serve with --migrate", len(pending))
	}
	return nil
}

// pendingMigrations lists what `migrate` would apply: the schema's and River's.
func pendingMigrations(ctx context.Context, bdb *bun.DB, databaseURL string) ([]string, error) {
	pending, err := migrations.Pending(ctx, bdb)
	if err != nil {
		return nil, err
	}
	river, err := jobs.Pending(ctx, bdb, databaseURL)
	if err != nil {
		return nil, err
	}
	return append(pending, river...), nil
}

// notifications picks the dev outbox or the real relay and gateway.
func (s *system) notifications() error {
	if s.cfg.Dev {
		s.outbox = notify.NewOutbox(time.Now)
		s.mailer, s.sms = s.outbox, s.outbox
		return nil
	}
	m, err := notify.NewSMTP(notify.SMTPOptions{
		Host: s.cfg.SMTP.Host, Port: s.cfg.SMTP.Port, Username: s.cfg.SMTP.Username, Password: s.cfg.SMTP.Password,
		From: s.cfg.SMTP.From, FromName: "SecureMailbox", TLS: s.cfg.SMTP.TLS,
	})
	if err != nil {
		return err
	}
	g, err := notify.NewGateway(notify.GatewayOptions{
		URL: s.cfg.SMS.URL, Username: s.cfg.SMS.Username, Password: s.cfg.SMS.Password, From: s.cfg.SMS.From,
	})
	if err != nil {
		return err
	}
	s.mailer, s.sms = m, g
	return nil
}

// loadMasterKey reads the server master keyring: from the file or the environment, or in
// --dev from (or newly into) the data directory.
func loadMasterKey(cfg config.Config) (*keys.MasterKeyring, error) {
	switch {
	case cfg.MasterKey != "":
		return parseMasterKey([]byte(cfg.MasterKey), "SECUREMAILBOX_MASTER_KEY")
	case cfg.MasterKeyFile != "":
		data, err := os.ReadFile(cfg.MasterKeyFile)
		if err != nil {
			return nil, fmt.Errorf("master key: %w", err)
		}
		return parseMasterKey(data, cfg.MasterKeyFile)
	case cfg.Dev:
		path := cfg.DevMasterKeyFile()
		data, err := os.ReadFile(path)
		if err == nil {
			return parseMasterKey(data, path)
		}
		if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("master key: %w", err)
		}
		m, err := keys.GenerateMasterKeyring()
		if err != nil {
			return nil, err
		}
		if err := writeFileAtomic(path, m.Marshal()); err != nil {
			return nil, fmt.Errorf("master key: %w", err)
		}
		return m, nil
	default:
		return nil, errors.New("no server master key configured")
	}
}

func parseMasterKey(data []byte, from string) (*keys.MasterKeyring, error) {
	m, err := keys.ParseMasterKeyring(data)
	if err != nil {
		return nil, fmt.Errorf("master key from %s: %w", from, err)
	}
	return m, nil
}

// writeFileAtomic writes data to path with mode 0600: a temp file, fsync, rename, fsync of
// the directory, so a crash leaves the old file or the new one, never half of one.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
