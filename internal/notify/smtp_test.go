package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// received is one message as the test server saw it.
type received struct {
	From   string
	To     []string
	Data   []byte
	Authed bool
	TLS    bool
}

// smtpBackend is a real SMTP server (emersion/go-smtp) on 127.0.0.1 that records what it gets.
type smtpBackend struct {
	rejectRcpt bool
	user, pass string // when set, the server offers AUTH PLAIN and refuses MAIL without it

	mu       sync.Mutex
	sessions int
	msgs     []received
}

func (b *smtpBackend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	b.mu.Lock()
	b.sessions++
	b.mu.Unlock()
	_, isTLS := c.TLSConnectionState()
	return &smtpSession{b: b, tls: isTLS}, nil
}

func (b *smtpBackend) got() ([]received, int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]received(nil), b.msgs...), b.sessions
}

type smtpSession struct {
	b      *smtpBackend
	tls    bool
	authed bool
	from   string
	to     []string
}

func (s *smtpSession) AuthMechanisms() []string {
	if s.b.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != s.b.user || password != s.b.pass {
			return errors.New("invalid credentials")
		}
		s.authed = true
		return nil
	}), nil
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.b.user != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	s.from = from
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	if s.b.rejectRcpt {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox"}
	}
	s.to = append(s.to, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.b.mu.Lock()
	defer s.b.mu.Unlock()
	s.b.msgs = append(s.b.msgs, received{From: s.from, To: s.to, Data: data, Authed: s.authed, TLS: s.tls})
	return nil
}

func (s *smtpSession) Reset()        { s.from, s.to = "", nil }
func (s *smtpSession) Logout() error { return nil }

// testCert borrows the loopback certificate of net/http/httptest and a pool that trusts it.
func testCert(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	ts := httptest.NewTLSServer(http.NotFoundHandler())
	defer ts.Close()
	return ts.TLS.Certificates[0], ts.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
}

type serverMode int

const (
	plainServer    serverMode = iota // no TLS at all
	startTLSServer                   // offers STARTTLS
	implicitServer                   // TLS from the first byte
)

// startSMTP runs the backend on 127.0.0.1:0 and returns its port and the pool to trust.
func startSMTP(t *testing.T, b *smtpBackend, mode serverMode) (int, *x509.CertPool) {
	t.Helper()
	s := smtp.NewServer(b)
	s.Domain = "localhost"
	s.ReadTimeout = 10 * time.Second
	s.WriteTimeout = 10 * time.Second
	s.MaxMessageBytes = 1 << 20
	s.MaxRecipients = 10
	var pool *x509.CertPool
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if mode != plainServer {
		var cert tls.Certificate
		cert, pool = testCert(t)
		cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		if mode == startTLSServer {
			s.TLSConfig = cfg
		} else {
			l = tls.NewListener(l, cfg)
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = s.Serve(l)
	}()
	t.Cleanup(func() {
		_ = s.Close()
		<-done
	})
	return l.Addr().(*net.TCPAddr).Port, pool
}

func plainOptions(port int) SMTPOptions {
	return SMTPOptions{
		Host: "127.0.0.1", Port: port, TLS: TLSNone, Timeout: 5 * time.Second,
		From: "noreply@mailbox.example", FromName: "SecureMailbox", HELO: "test.local",
	}
}

// parsed is a received message taken apart.
type parsed struct {
	header         mail.Header
	subject        string
	text, html     string
	contentType    string
	multipartParts int
}

func decodePart(t *testing.T, enc string, r io.Reader) string {
	t.Helper()
	if strings.EqualFold(enc, "quoted-printable") {
		r = quotedprintable.NewReader(r)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("read part: %v", err)
	}
	return string(b)
}

func parseMessage(t *testing.T, data []byte) parsed {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("parse message: %v\n%s", err, data)
	}
	var p parsed
	p.header = msg.Header
	p.subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatalf("decode subject: %v", err)
	}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("content type: %v", err)
	}
	p.contentType = mt
	if !strings.HasPrefix(mt, "multipart/") {
		p.text = decodePart(t, msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
		return p
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("next part: %v", err)
		}
		p.multipartParts++
		pt, _, _ := mime.ParseMediaType(part.Header.Get("Content-Type"))
		body := decodePart(t, part.Header.Get("Content-Transfer-Encoding"), part)
		switch pt {
		case "text/plain":
			p.text = body
		case "text/html":
			p.html = body
		}
	}
	return p
}

func TestSMTPPlainText(t *testing.T) {
	b := &smtpBackend{}
	port, _ := startSMTP(t, b, plainServer)
	m, err := NewSMTP(plainOptions(port))
	if err != nil {
		t.Fatal(err)
	}
	err = m.SendEmail(context.Background(), Email{
		To:      "Anna.Berg@example.org",
		Subject: "Grüße: your code is ready",
		Text:    "Hello Anna,\nline two.\n",
	})
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	msgs, _ := b.got()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages, want 1", len(msgs))
	}
	got := msgs[0]
	if got.From != "noreply@mailbox.example" {
		t.Errorf("envelope from = %q", got.From)
	}
	if len(got.To) != 1 || got.To[0] != "Anna.Berg@example.org" {
		t.Errorf("envelope to = %q", got.To)
	}
	p := parseMessage(t, got.Data)
	from, err := p.header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "SecureMailbox" || from[0].Address != "noreply@mailbox.example" {
		t.Errorf("From header = %q (%v)", p.header.Get("From"), err)
	}
	to, err := p.header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Address != "Anna.Berg@example.org" {
		t.Errorf("To header = %q (%v)", p.header.Get("To"), err)
	}
	if p.subject != "Grüße: your code is ready" {
		t.Errorf("subject = %q", p.subject)
	}
	if p.contentType != "text/plain" {
		t.Errorf("content type = %q, want text/plain", p.contentType)
	}
	if strings.ReplaceAll(p.text, "\r\n", "\n") != "Hello Anna,\nline two.\n" {
		t.Errorf("text = %q", p.text)
	}
	if p.header.Get("Date") == "" || p.header.Get("Message-Id") == "" {
		t.Errorf("missing Date or Message-ID: %v", p.header)
	}
	if ua := p.header.Get("User-Agent") + p.header.Get("X-Mailer"); ua != "" {
		t.Errorf("mailer advertises itself: %q", ua)
	}
}

func TestSMTPMultipartWithHTML(t *testing.T) {
	b := &smtpBackend{}
	port, _ := startSMTP(t, b, plainServer)
	m, err := NewSMTP(plainOptions(port))
	if err != nil {
		t.Fatal(err)
	}
	err = m.SendEmail(context.Background(), Email{
		To:       "bo@example.org",
		Subject:  "New secure message",
		Text:     "You have a new message.",
		HTML:     "<p>You have a <b>new</b> message.</p>",
		FromName: "Region Hospital",
	})
	if err != nil {
		t.Fatalf("send: %v", err)
	}
	msgs, _ := b.got()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages, want 1", len(msgs))
	}
	p := parseMessage(t, msgs[0].Data)
	if p.contentType != "multipart/alternative" {
		t.Fatalf("content type = %q, want multipart/alternative", p.contentType)
	}
	if p.multipartParts != 2 {
		t.Errorf("parts = %d, want 2", p.multipartParts)
	}
	if p.text != "You have a new message." {
		t.Errorf("text part = %q", p.text)
	}
	if p.html != "<p>You have a <b>new</b> message.</p>" {
		t.Errorf("html part = %q", p.html)
	}
	from, err := p.header.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Name != "Region Hospital" {
		t.Errorf("From header = %q (%v)", p.header.Get("From"), err)
	}
}

func TestSMTPHeaderInjectionRefused(t *testing.T) {
	b := &smtpBackend{}
	port, _ := startSMTP(t, b, plainServer)
	m, err := NewSMTP(plainOptions(port))
	if err != nil {
		t.Fatal(err)
	}
	good := Email{To: "anna@example.org", Subject: "Hi", Text: "body"}
	cases := map[string]func(e *Email){
		"subject CRLF":    func(e *Email) { e.Subject = "Hi\r\nBcc: evil@attacker.example" },
		"subject LF":      func(e *Email) { e.Subject = "Hi\nBcc: evil@attacker.example" },
		"subject CR":      func(e *Email) { e.Subject = "Hi\rBcc: evil@attacker.example" },
		"subject NUL":     func(e *Email) { e.Subject = "Hi\x00there" },
		"to CRLF":         func(e *Email) { e.To = "anna@example.org\r\nBcc: evil@attacker.example" },
		"to list":         func(e *Email) { e.To = "anna@example.org, evil@attacker.example" },
		"to with name":    func(e *Email) { e.To = "Anna <anna@example.org>" },
		"to not address":  func(e *Email) { e.To = "anna" },
		"to empty":        func(e *Email) { e.To = "" },
		"from name CRLF":  func(e *Email) { e.FromName = "Bank\r\nBcc: evil@attacker.example" },
		"from name LF":    func(e *Email) { e.FromName = "Bank\nReply-To: evil@attacker.example" },
		"empty subject":   func(e *Email) { e.Subject = "  " },
		"empty text":      func(e *Email) { e.Text = "" },
		"invalid utf8":    func(e *Email) { e.Text = "\xff\xfe" },
		"line separator":  func(e *Email) { e.Subject = "Hi\u2028Bcc: x@attacker.example" },
		"subject too big": func(e *Email) { e.Subject = strings.Repeat("a", 2000) },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			e := good
			mutate(&e)
			err := m.SendEmail(context.Background(), e)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
	msgs, sessions := b.got()
	if len(msgs) != 0 || sessions != 0 {
		t.Fatalf("server saw %d sessions and %d messages; want none", sessions, len(msgs))
	}

	// The same message without the injected line goes through, so the refusals above were
	// about the line breaks, not the server.
	if err := m.SendEmail(context.Background(), good); err != nil {
		t.Fatalf("good message: %v", err)
	}
	msgs, _ = b.got()
	if len(msgs) != 1 || bytes.Contains(msgs[0].Data, []byte("attacker")) {
		t.Fatalf("unexpected delivery: %d messages", len(msgs))
	}
}

func TestSMTPOptionsRefused(t *testing.T) {
	base := SMTPOptions{Host: "smtp.example.org", From: "noreply@mailbox.example", FromName: "SecureMailbox"}
	cases := map[string]func(o *SMTPOptions){
		"no host":           func(o *SMTPOptions) { o.Host = "" },
		"from name CRLF":    func(o *SMTPOptions) { o.FromName = "SecureMailbox\r\nBcc: evil@attacker.example" },
		"from not address":  func(o *SMTPOptions) { o.From = "noreply" },
		"from CRLF":         func(o *SMTPOptions) { o.From = "noreply@mailbox.example\r\nBcc: x@y.example" },
		"helo CRLF":         func(o *SMTPOptions) { o.HELO = "a\r\nMAIL FROM:<x@y>" },
		"none off loopback": func(o *SMTPOptions) { o.TLS = TLSNone },
		"unknown tls":       func(o *SMTPOptions) { o.TLS = "maybe" },
		"bad port":          func(o *SMTPOptions) { o.Port = 70000 },
		"password only":     func(o *SMTPOptions) { o.Password = "pw" },
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			o := base
			mutate(&o)
			if _, err := NewSMTP(o); err == nil {
				t.Fatal("NewSMTP accepted bad options")
			}
		})
	}
	s, err := NewSMTP(base)
	if err != nil {
		t.Fatal(err)
	}
	if s.o.TLS != TLSStartTLS || s.o.Port != 587 {
		t.Errorf("defaults = %q:%d, want starttls:587", s.o.TLS, s.o.Port)
	}
	for _, host := range []string{"localhost", "127.0.0.1", "::1", "[::1]"} {
		o := base
		o.Host, o.TLS = host, TLSNone
		if _, err := NewSMTP(o); err != nil {
			t.Errorf("none on %s: %v", host, err)
		}
	}
}

func TestSMTPRejectedRecipient(t *testing.T) {
	b := &smtpBackend{rejectRcpt: true}
	port, _ := startSMTP(t, b, plainServer)
	m, err := NewSMTP(plainOptions(port))
	if err != nil {
		t.Fatal(err)
	}
	const subject, body = "canary-subject-7f3a", "canary-body-91c2"
	err = m.SendEmail(context.Background(), Email{To: "nobody@example.org", Subject: subject, Text: body})
	if err == nil {
		t.Fatal("send to a rejected recipient succeeded")
	}
	if !strings.Contains(err.Error(), "nobody@example.org") {
		t.Errorf("error does not name the recipient: %v", err)
	}
	if strings.Contains(err.Error(), subject) || strings.Contains(err.Error(), body) {
		t.Errorf("error leaks the message: %v", err)
	}
	if msgs, _ := b.got(); len(msgs) != 0 {
		t.Fatalf("server stored %d messages", len(msgs))
	}
}

func TestSMTPStartTLSRequired(t *testing.T) {
	b := &smtpBackend{}
	port, _ := startSMTP(t, b, plainServer) // offers no STARTTLS
	o := plainOptions(port)
	o.TLS = TLSStartTLS
	m, err := NewSMTP(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.SendEmail(context.Background(), Email{To: "anna@example.org", Subject: "Hi", Text: "x"}); err == nil {
		t.Fatal("sent without TLS although STARTTLS is required")
	}
	if msgs, _ := b.got(); len(msgs) != 0 {
		t.Fatalf("server stored %d messages over plain text", len(msgs))
	}
}

func TestSMTPStartTLSWithAuth(t *testing.T) {
	b := &smtpBackend{user: "relay-user", pass: "relay-pass-3b9e"}
	port, pool := startSMTP(t, b, startTLSServer)
	o := plainOptions(port)
	o.TLS = TLSStartTLS
	o.TLSConfig = &tls.Config{RootCAs: pool}
	o.Username, o.Password = b.user, b.pass
	m, err := NewSMTP(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.SendEmail(context.Background(), Email{To: "anna@example.org", Subject: "Hi", Text: "x"}); err != nil {
		t.Fatalf("send: %v", err)
	}
	msgs, _ := b.got()
	if len(msgs) != 1 || !msgs[0].Authed || !msgs[0].TLS {
		t.Fatalf("messages = %+v, want one, authenticated over TLS", msgs)
	}

	// A wrong password fails and the error does not repeat it.
	o.Password = "wrong-pass-c4d1"
	m, err = NewSMTP(o)
	if err != nil {
		t.Fatal(err)
	}
	err = m.SendEmail(context.Background(), Email{To: "anna@example.org", Subject: "Hi", Text: "x"})
	if err == nil {
		t.Fatal("send with a wrong password succeeded")
	}
	if strings.Contains(err.Error(), o.Password) {
		t.Errorf("error leaks the password: %v", err)
	}

	// An untrusted certificate is refused.
	o.Password = b.pass
	o.TLSConfig = nil
	m, err = NewSMTP(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.SendEmail(context.Background(), Email{To: "anna@example.org", Subject: "Hi", Text: "x"}); err == nil {
		t.Fatal("send to an untrusted certificate succeeded")
	}
	if msgs, _ := b.got(); len(msgs) != 1 {
		t.Fatalf("server has %d messages, want still 1", len(msgs))
	}
}

func TestSMTPImplicitTLS(t *testing.T) {
	b := &smtpBackend{}
	port, pool := startSMTP(t, b, implicitServer)
	o := plainOptions(port)
	o.TLS = TLSImplicit
	o.TLSConfig = &tls.Config{RootCAs: pool}
	m, err := NewSMTP(o)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.SendEmail(context.Background(), Email{To: "anna@example.org", Subject: "Hi", Text: "x"}); err != nil {
		t.Fatalf("send: %v", err)
	}
	if msgs, _ := b.got(); len(msgs) != 1 || !msgs[0].TLS {
		t.Fatalf("messages = %+v, want one over TLS", msgs)
	}
}

func TestSMTPUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	o := plainOptions(port)
	o.Timeout = 2 * time.Second
	m, err := NewSMTP(o)
	if err != nil {
		t.Fatal(err)
	}
	err = m.SendEmail(context.Background(), Email{To: "anna@example.org", Subject: "Hi", Text: "x"})
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:"+strconv.Itoa(port)) {
		t.Fatalf("err = %v, want a dial error naming the relay", err)
	}
}
