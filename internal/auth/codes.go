package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/securemailbox/securemailbox/internal/db"
	"github.com/securemailbox/securemailbox/internal/keys"
	"github.com/securemailbox/securemailbox/internal/notify"
)

// Purposes bind a code or token to what it may do: a login code cannot open anything else.
const (
	purposeVerifyMobile = "verify_mobile"
	purposeVerifyEmail  = "verify_email"
	purposeLogin        = "login"
	purposeStepUp       = "step_up"
	purposeBackupPhone  = "backup_phone"
	purposeReset        = "password_reset"
	purposeResetSMS     = "password_reset_sms"
)

// SMS velocity limits, all checked before the gateway is called (SMS pumping).
var smsLimits = []struct {
	column string
	window time.Duration
	max    int
}{
	{"phone", 10 * time.Minute, 3},
	{"phone", 24 * time.Hour, 10},
	{"account_id", 24 * time.Hour, 15},
	{"ip", time.Hour, 20},
	{"prefix", time.Hour, 200},
}

// sendCode creates a fresh code for (purpose, object), checks every velocity limit, records
// the send, and hands the SMS to the gateway during the request. The code exists in clear
// only in this call and in the SMS. A new code does not reset the failure count of
// (purpose, object): that lives in the throttle table.
func (s *Service) sendCode(ctx context.Context, purpose, object, accountID, phone, lang string, c Client) error {
	now := s.now()
	code := keys.NewNumericCode(6)
	err := db.Tx(ctx, s.db, func(ctx context.Context) error {
		values := map[string]string{"phone": phone, "account_id": accountID, "ip": c.network(), "prefix": phonePrefix(phone)}
		for _, l := range smsLimits {
			n, err := s.countSends(ctx, l.column, values[l.column], now.Add(-l.window))
			if err != nil {
				return err
			}
			if n >= l.max {
				return ErrSMSRateLimited.After(l.window / 4)
			}
		}
		total, err := s.countSends(ctx, "", "", now.Add(-24*time.Hour))
		if err != nil {
			return err
		}
		if total >= s.opts.SMSDailyBudget {
			s.log.Error("auth: daily SMS budget reached", "budget", s.opts.SMSDailyBudget)
			return ErrSMSRateLimited.After(time.Hour)
		}
		if err := s.insert(ctx, &smsSend{ID: db.NewID(), Phone: phone, Prefix: phonePrefix(phone), AccountID: accountID, IP: c.network(), SentAt: now}); err != nil {
			return err
		}
		return s.insert(ctx, &smsCode{
			ID: db.NewID(), Purpose: purpose, Object: object, Phone: phone,
			CodeHash:  s.master.CodeHash(purpose, object, code),
			CreatedAt: now, ExpiresAt: now.Add(s.opts.SMSCodeTTL),
		})
	})
	if err != nil {
		return fmt.Errorf("auth: send code: %w", err)
	}
	p := s.i18n.Printer(s.locale(lang))
	text := p.T("auth.sms."+purpose, map[string]any{"Code": code, "Minutes": int(s.opts.SMSCodeTTL.Minutes())})
	if err := s.sms.SendSMS(ctx, notify.SMS{To: phone, Text: text}); err != nil {
		s.log.Warn("auth: SMS delivery failed", "purpose", purpose, "err", err)
		return ErrDelivery.Wrap(err)
	}
	return nil
}

// checkCode verifies a code for (purpose, object) and consumes it. Wrong, expired and used
// codes get the same answer; failures are throttled per (purpose, object).
func (s *Service) checkCode(ctx context.Context, purpose, object, code string) error {
	key := "code:" + purpose + ":" + object
	if err := s.checkThrottles(ctx, key); err != nil {
		return err
	}
	c, err := s.latestCode(ctx, purpose, object)
	if err != nil && !isNotFound(err) {
		return fmt.Errorf("auth: check code: %w", err)
	}
	if err != nil || !s.master.VerifyCodeHash(purpose, object, normalizeCode(code), c.CodeHash) {
		if _, ferr := s.throttleFail(ctx, key, codeThrottle); ferr != nil {
			return ferr
		}
		return ErrInvalidCode
	}
	won, err := s.useCode(ctx, c.ID)
	if err != nil {
		return fmt.Errorf("auth: use code: %w", err)
	}
	if !won {
		return ErrInvalidCode
	}
	return s.throttleReset(ctx, key)
}

// normalizeCode drops the spaces and dashes people type into codes.
func normalizeCode(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if r >= '0' && r <= '9' {
			out = append(out, r)
		} else if r != ' ' && r != '-' {
			return s // not a numeric code: compare as given (and fail)
		}
	}
	return string(out)
}

// newEmailToken stores the SHA-256 of a fresh 256-bit token for (purpose, account) and
// returns the token. A plain hash suffices for a secret of that size (as for sessions), and
// unlike a keyed one it survives a rotation of the master key.
func (s *Service) newEmailToken(ctx context.Context, purpose string, a *Account, email string, ttl time.Duration) (string, error) {
	tok := keys.NewSecret()
	now := s.now()
	err := s.insert(ctx, &emailToken{
		ID: db.NewID(), Purpose: purpose, AccountID: a.ID, Email: email,
		TokenHash: tok.Hash(), CreatedAt: now, ExpiresAt: now.Add(ttl),
	})
	if err != nil {
		return "", fmt.Errorf("auth: new token: %w", err)
	}
	return tok.String(), nil
}

// lookupEmailToken finds a live token of purpose.
func (s *Service) lookupEmailToken(ctx context.Context, purpose, tok string) (*emailToken, error) {
	secret, err := keys.ParseSecret(tok)
	if err != nil {
		return nil, ErrInvalidToken
	}
	t, err := s.emailTokenByHash(ctx, purpose, secret.Hash())
	if isNotFound(err) {
		return nil, ErrInvalidToken
	}
	if err != nil {
		return nil, fmt.Errorf("auth: token: %w", err)
	}
	return t, nil
}

// sendMail composes a message from the catalog in the account's language and hands it to
// the relay now.
func (s *Service) sendMail(ctx context.Context, to, lang, kind string, data map[string]any) error {
	p := s.i18n.Printer(s.locale(lang))
	m := notify.Email{
		To:      to,
		Subject: p.T("auth.mail."+kind+".subject", data),
		Text:    p.T("auth.mail."+kind+".body", data) + "\n\n" + p.T("auth.mail.footer"),
	}
	if err := s.mailer.SendEmail(ctx, m); err != nil {
		s.log.Warn("auth: mail delivery failed", "kind", kind, "err", err)
		return ErrDelivery.Wrap(err)
	}
	return nil
}

// notifyMail sends a notice that carries no secret; a failure is logged, not returned,
// because the action it reports has already happened.
func (s *Service) notifyMail(ctx context.Context, a *Account, kind string, data map[string]any) {
	if data == nil {
		data = map[string]any{}
	}
	data["Name"] = a.Name
	_ = s.sendMail(ctx, a.Email, a.Locale, kind, data) // a failure is logged there
}
