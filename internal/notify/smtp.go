package notify

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/wneessen/go-mail"
)

// TLS modes of SMTPOptions.TLS.
const (
	TLSStartTLS = "starttls" // STARTTLS, required (the default)
	TLSImplicit = "tls"      // TLS from the first byte (SMTPS, usually port 465)
	TLSNone     = "none"     // plain text; only to a loopback relay
)

// SMTPOptions configure the SMTP mailer.
type SMTPOptions struct {
	Host     string
	Port     int    // 0 means 587 (starttls), 465 (tls) or 25 (none)
	Username string // empty: no authentication
	Password string
	From     string // the envelope and header sender address
	FromName string // the display name of the sender, e.g. "SecureMailbox"
	TLS      string // TLSStartTLS (default), TLSImplicit or TLSNone
	// TLSConfig optionally replaces the TLS settings (e.g. a private CA for an internal relay).
	// TLS 1.2 is the minimum whatever it says; ServerName defaults to Host.
	TLSConfig *tls.Config
	Timeout   time.Duration // per connection; 0 means 30 s
	HELO      string        // EHLO name; empty means the machine's host name
}

// SMTP is a Mailer that hands each message to one SMTP relay, on a connection of its own.
// It is safe for concurrent use.
type SMTP struct {
	o SMTPOptions
}

var _ Mailer = (*SMTP)(nil)

// NewSMTP checks the options and returns the mailer. It does not connect.
func NewSMTP(o SMTPOptions) (*SMTP, error) {
	if o.Host == "" {
		return nil, errors.New("notify: smtp: host is required")
	}
	if err := checkHeaderText("smtp host", o.Host, 253); err != nil {
		return nil, fmt.Errorf("notify: smtp: %w", err)
	}
	if err := checkAddress("sender address", o.From); err != nil {
		return nil, fmt.Errorf("notify: smtp: %w", err)
	}
	if err := checkHeaderText("sender name", o.FromName, maxNameLen); err != nil {
		return nil, fmt.Errorf("notify: smtp: %w", err)
	}
	if err := checkHeaderText("helo", o.HELO, 253); err != nil {
		return nil, fmt.Errorf("notify: smtp: %w", err)
	}
	if o.TLS == "" {
		o.TLS = TLSStartTLS
	}
	switch o.TLS {
	case TLSStartTLS, TLSImplicit:
	case TLSNone:
		if !isLoopbackHost(o.Host) {
			return nil, fmt.Errorf("notify: smtp: TLS %q is allowed only for a loopback relay, not %s", TLSNone, o.Host)
		}
	default:
		return nil, fmt.Errorf("notify: smtp: unknown TLS mode %q (want %q, %q or %q)", o.TLS, TLSStartTLS, TLSImplicit, TLSNone)
	}
	if o.Port == 0 {
		switch o.TLS {
		case TLSStartTLS:
			o.Port = 587
		case TLSImplicit:
			o.Port = 465
		default:
			o.Port = 25
		}
	}
	if o.Port < 1 || o.Port > 65535 {
		return nil, fmt.Errorf("notify: smtp: port %d out of range", o.Port)
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Password != "" && o.Username == "" {
		return nil, errors.New("notify: smtp: password given without a username")
	}
	return &SMTP{o: o}, nil
}

// isLoopbackHost reports whether host names this machine (localhost or a loopback address).
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

func (s *SMTP) tlsConfig() *tls.Config {
	var c *tls.Config
	if s.o.TLSConfig != nil {
		c = s.o.TLSConfig.Clone()
	} else {
		c = &tls.Config{}
	}
	if c.ServerName == "" {
		c.ServerName = s.o.Host
	}
	if c.MinVersion < tls.VersionTLS12 {
		c.MinVersion = tls.VersionTLS12
	}
	return c
}

func (s *SMTP) client() (*mail.Client, error) {
	opts := []mail.Option{
		mail.WithPort(s.o.Port),
		mail.WithTimeout(s.o.Timeout),
		mail.WithTLSConfig(s.tlsConfig()),
	}
	switch s.o.TLS {
	case TLSStartTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, mail.WithSSL(), mail.WithTLSPolicy(mail.TLSMandatory))
	case TLSNone:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if s.o.HELO != "" {
		opts = append(opts, mail.WithHELO(s.o.HELO))
	}
	if s.o.Username != "" {
		// The strongest mechanism the relay offers; PLAIN and LOGIN only over TLS.
		opts = append(opts,
			mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(s.o.Username),
			mail.WithPassword(s.o.Password),
		)
	}
	c, err := mail.NewClient(s.o.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("notify: smtp: client: %w", err)
	}
	return c, nil
}

// SendEmail validates m and hands it to the relay: a plain-text part, and an HTML alternative
// when m.HTML is set. Nothing is sent when validation fails. The error names the recipient
// but never the subject or the body.
func (s *SMTP) SendEmail(ctx context.Context, m Email) error {
	if err := m.Validate(); err != nil {
		return fmt.Errorf("notify: email: %w", err)
	}
	name := s.o.FromName
	if m.FromName != "" {
		name = m.FromName
	}
	msg := mail.NewMsg(mail.WithNoDefaultUserAgent())
	if err := msg.FromFormat(name, s.o.From); err != nil {
		return fmt.Errorf("notify: email: sender: %w", err)
	}
	if err := msg.To(m.To); err != nil {
		return fmt.Errorf("notify: email to %s: recipient: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(mail.TypeTextHTML, m.HTML)
	}
	c, err := s.client()
	if err != nil {
		return err
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("notify: email to %s via %s:%d: %w", m.To, s.o.Host, s.o.Port, err)
	}
	return nil
}
