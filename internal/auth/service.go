package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/uptrace/bun"

	"github.com/securemailbox/securemailbox/internal/audit"
	"github.com/securemailbox/securemailbox/internal/db"
	"github.com/securemailbox/securemailbox/internal/i18n"
	"github.com/securemailbox/securemailbox/internal/keys"
	"github.com/securemailbox/securemailbox/internal/notify"
	"github.com/securemailbox/securemailbox/tenants"
)

// Options tune the service. Zero values take the defaults in brackets.
type Options struct {
	BaseURL         string        // public URL for e-mailed links
	SessionIdle     time.Duration // [1h]
	SessionAbsolute time.Duration // [24h]
	StepUpFor       time.Duration // [5m]
	MFAPendingFor   time.Duration // [10m] lifetime of the token between password and second factor
	EmailTokenTTL   time.Duration // [48h]
	ResetTokenTTL   time.Duration // [1h]
	SMSCodeTTL      time.Duration // [10m]
	SMSDailyBudget  int           // [5000] SMS sent by the whole service per day
	Issuer          string        // [SecureMailbox] name shown in authenticator apps
	Now             func() time.Time
	Logger          *slog.Logger
}

// Deps are the collaborators.
type Deps struct {
	DB     *bun.DB
	Master *keys.MasterKeyring
	Hasher *keys.Hasher
	// CodeHasher makes recovery codes: ten Argon2id runs at a time, at sign-up and on
	// renewal. A pool of its own keeps a burst of sign-ups from queueing every login behind
	// it. Nil means Hasher.
	CodeHasher *keys.Hasher
	Mailer     notify.Mailer
	SMS        notify.SMSSender
	Tenants    *tenants.Service
	Audit      *audit.Store
	I18n       *i18n.Bundle
}

// Service is the accounts-and-authentication use cases.
type Service struct {
	db      *bun.DB
	master  *keys.MasterKeyring
	hasher  *keys.Hasher
	codes   *keys.Hasher
	mailer  notify.Mailer
	sms     notify.SMSSender
	tenants *tenants.Service
	audit   *audit.Store
	i18n    *i18n.Bundle
	opts    Options
	block   blocklist
	log     *slog.Logger
	// background bounds the fire-and-forget deliveries (password-reset mail) in flight;
	// inFlight lets tests and shutdown wait for them.
	background chan struct{}
	inFlight   sync.WaitGroup
}

// New returns a Service.
func New(opts Options, deps Deps) *Service {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&opts.SessionIdle, time.Hour)
	def(&opts.SessionAbsolute, 24*time.Hour)
	def(&opts.StepUpFor, 5*time.Minute)
	def(&opts.MFAPendingFor, 10*time.Minute)
	def(&opts.EmailTokenTTL, 48*time.Hour)
	def(&opts.ResetTokenTTL, time.Hour)
	def(&opts.SMSCodeTTL, 10*time.Minute)
	if opts.SMSDailyBudget <= 0 {
		opts.SMSDailyBudget = 5000
	}
	if opts.Issuer == "" {
		opts.Issuer = "SecureMailbox"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	opts.BaseURL = strings.TrimRight(opts.BaseURL, "/")
	if deps.CodeHasher == nil {
		deps.CodeHasher = deps.Hasher
	}
	return &Service{
		db: deps.DB, master: deps.Master, hasher: deps.Hasher, codes: deps.CodeHasher, mailer: deps.Mailer, sms: deps.SMS,
		tenants: deps.Tenants, audit: deps.Audit, i18n: deps.I18n, opts: opts,
		block: loadBlocklist(), log: opts.Logger, background: make(chan struct{}, 64),
	}
}

// Client describes where a request comes from.
type Client struct {
	IP        string
	UserAgent string
	Lang      string
}

// network is the unit of per-IP limits: an IPv4 address, or the IPv6 /64 it lies in — one
// customer holds a whole /64 and could otherwise use a fresh address for every try.
func (c Client) network() string {
	a, err := netip.ParseAddr(c.IP)
	if err != nil {
		return c.IP
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String()
	}
	p, err := a.Prefix(64)
	if err != nil {
		return c.IP
	}
	return p.String()
}

func (s *Service) now() time.Time { return s.opts.Now().UTC().Truncate(time.Microsecond) }

func isNotFound(err error) bool { return errors.Is(err, db.ErrNotFound) }

func validName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || len([]rune(name)) > 200 {
		return "", ErrInvalidName
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return "", ErrInvalidName
		}
	}
	return name, nil
}

func (s *Service) locale(l string) string {
	if s.i18n.Supported(l) {
		return l
	}
	return i18n.Default
}

// accountBinding binds what is sealed for an account to that account.
func accountBinding(a *Account, purpose string) keys.Binding {
	return keys.Binding{Purpose: purpose, Tenant: a.PersonalTenantID, ObjectKind: "account", ObjectID: a.ID}
}

// record writes a security event to the account's personal tenant log. Failures to audit
// fail the action: an unaudited security event is not allowed to happen.
func (s *Service) record(ctx context.Context, a *Account, action, result string, c Client, detail map[string]string) error {
	tenant, actor := "", "anonymous"
	if a != nil {
		tenant, actor = a.PersonalTenantID, a.ID
	}
	if tenant == "" {
		return nil // no account, no tenant: unknown-address failures are throttled, not audited
	}
	e := audit.Event{
		TenantID:   tenant,
		At:         s.now(),
		Actor:      actor,
		Action:     action,
		ObjectKind: "account",
		ObjectID:   a.ID,
		Result:     result,
		IP:         c.IP,
		Detail:     detail,
	}
	if err := s.audit.Record(ctx, e); err != nil {
		return fmt.Errorf("auth: audit %s: %w", action, err)
	}
	return nil
}
