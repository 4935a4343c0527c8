package notify

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Email is one e-mail to one recipient.
type Email struct {
	To      string // a bare address, e.g. "anna@example.org"
	Subject string
	Text    string // the plain-text part, always sent
	HTML    string // optional HTML alternative
	// FromName optionally overrides the sender's display name (e.g. a tenant's branding);
	// empty means the sender's configured name.
	FromName string
}

// Mailer sends e-mail.
type Mailer interface {
	SendEmail(ctx context.Context, m Email) error
}

// SMS is one text message to one phone number.
type SMS struct {
	To   string // E.164, e.g. "+46701234567"
	Text string
}

// SMSSender sends text messages.
type SMSSender interface {
	SendSMS(ctx context.Context, m SMS) error
}

// ErrInvalid is wrapped by every validation error: nothing was sent.
var ErrInvalid = errors.New("notify: invalid message")

// Limits on what a message may hold.
const (
	maxAddressLen = 254
	maxSubjectLen = 998 // the RFC 5322 line limit; longer subjects are a bug
	maxNameLen    = 200
	maxSMSRunes   = 1600 // ten concatenated segments
)

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// checkHeaderText refuses CR, LF and every other control character in text that ends up in a
// header, so no value can start a new header line.
func checkHeaderText(field, s string, max int) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%w: %s is not valid UTF-8", ErrInvalid, field)
	}
	if len(s) > max {
		return fmt.Errorf("%w: %s is too long", ErrInvalid, field)
	}
	for _, r := range s {
		if r == '\r' || r == '\n' {
			return fmt.Errorf("%w: %s contains a line break", ErrInvalid, field)
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return fmt.Errorf("%w: %s contains a control character", ErrInvalid, field)
		}
	}
	return nil
}

// checkAddress accepts one bare e-mail address ("a@b.example", no display name, no list).
func checkAddress(field, addr string) error {
	if err := checkHeaderText(field, addr, maxAddressLen); err != nil {
		return err
	}
	if addr == "" {
		return fmt.Errorf("%w: %s is empty", ErrInvalid, field)
	}
	a, err := mail.ParseAddress(addr)
	if err != nil || a.Name != "" || a.Address != addr {
		return fmt.Errorf("%w: %s is not a single bare address", ErrInvalid, field)
	}
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 || at == len(addr)-1 {
		return fmt.Errorf("%w: %s is not a single bare address", ErrInvalid, field)
	}
	return nil
}

// Validate checks an e-mail before anything is sent. The error never repeats the subject or
// the body.
func (m Email) Validate() error {
	if err := checkAddress("recipient", m.To); err != nil {
		return err
	}
	if err := checkHeaderText("subject", m.Subject, maxSubjectLen); err != nil {
		return err
	}
	if strings.TrimSpace(m.Subject) == "" {
		return fmt.Errorf("%w: subject is empty", ErrInvalid)
	}
	if err := checkHeaderText("sender name", m.FromName, maxNameLen); err != nil {
		return err
	}
	if strings.TrimSpace(m.Text) == "" {
		return fmt.Errorf("%w: text part is empty", ErrInvalid)
	}
	if !utf8.ValidString(m.Text) || !utf8.ValidString(m.HTML) {
		return fmt.Errorf("%w: body is not valid UTF-8", ErrInvalid)
	}
	return nil
}

// ValidPhone reports whether s is an E.164 number ("+" and 7 to 15 digits).
func ValidPhone(s string) bool { return e164.MatchString(s) }

// Validate checks an SMS before anything is sent. The error never repeats the text.
func (m SMS) Validate() error {
	if !ValidPhone(m.To) {
		return fmt.Errorf("%w: recipient is not an E.164 number", ErrInvalid)
	}
	if strings.TrimSpace(m.Text) == "" {
		return fmt.Errorf("%w: text is empty", ErrInvalid)
	}
	if !utf8.ValidString(m.Text) {
		return fmt.Errorf("%w: text is not valid UTF-8", ErrInvalid)
	}
	if utf8.RuneCountInString(m.Text) > maxSMSRunes {
		return fmt.Errorf("%w: text is too long", ErrInvalid)
	}
	return nil
}
