package auth

import (
	"bytes"
	"context"
	"encoding/base32"
	"fmt"
	"image/png"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/securemailbox/securemailbox/internal/db"
	"github.com/securemailbox/securemailbox/internal/keys"
)

// TOTP per RFC 6238: 30-second steps, 6 digits, SHA-1 (what authenticator apps support),
// 160-bit secrets from crypto/rand, ±1 step of skew, each step accepted once.
const (
	totpPeriod = 30
	totpDigits = otp.DigitsSix
	totpSkew   = 1
)

// TOTPSetup is what the person needs to add the account to an authenticator app.
type TOTPSetup struct {
	Secret string // base32
	URL    string // otpauth://
	QRPNG  []byte
}

func totpBinding(a *Account, kind string) keys.Binding { return accountBinding(a, kind) }

// BeginTOTP creates a pending TOTP secret (after step-up). It is not used for login until
// ConfirmTOTP sees a code from it.
func (s *Service) BeginTOTP(ctx context.Context, sess *Session) (TOTPSetup, error) {
	if err := s.requireStepUp(sess); err != nil {
		return TOTPSetup{}, err
	}
	a := sess.Account
	if a.TOTPEnabled() {
		return TOTPSetup{}, ErrTOTPAlreadyOn
	}
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer: s.opts.Issuer, AccountName: a.Email, Period: totpPeriod, SecretSize: 20,
		Digits: totpDigits, Algorithm: otp.AlgorithmSHA1,
	})
	if err != nil {
		return TOTPSetup{}, fmt.Errorf("auth: totp generate: %w", err)
	}
	setup, err := setupOf(key)
	if err != nil {
		return TOTPSetup{}, err
	}
	a.TOTPPendingSealed = s.master.Seal(keys.PurposeTOTP, []byte(key.Secret()), totpBinding(a, "totp-pending"))
	if err := s.updateAccount(ctx, a, "totp_pending_sealed"); err != nil {
		return TOTPSetup{}, fmt.Errorf("auth: totp begin: %w", err)
	}
	return setup, nil
}

// PendingTOTP returns the setup of the secret BeginTOTP created and ConfirmTOTP has not
// accepted yet, so the setup page can be shown again (a reload, a mistyped code) without
// making the person scan a new QR code.
//
// Like BeginTOTP it needs a fresh step-up: whoever reads the secret can complete the setup.
func (s *Service) PendingTOTP(sess *Session) (TOTPSetup, error) {
	if err := s.requireStepUp(sess); err != nil {
		return TOTPSetup{}, err
	}
	a := sess.Account
	if len(a.TOTPPendingSealed) == 0 {
		return TOTPSetup{}, ErrTOTPNotStarted
	}
	secret, err := s.master.Open(keys.PurposeTOTP, a.TOTPPendingSealed, totpBinding(a, "totp-pending"))
	if err != nil {
		return TOTPSetup{}, fmt.Errorf("auth: totp pending: %w", err)
	}
	raw, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(string(secret))
	if err != nil {
		return TOTPSetup{}, fmt.Errorf("auth: totp pending: %w", err)
	}
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer: s.opts.Issuer, AccountName: a.Email, Period: totpPeriod, Secret: raw,
		Digits: totpDigits, Algorithm: otp.AlgorithmSHA1,
	})
	if err != nil {
		return TOTPSetup{}, fmt.Errorf("auth: totp pending: %w", err)
	}
	return setupOf(key)
}

// setupOf renders a key as what an authenticator app needs: secret, URL and QR code.
func setupOf(key *otp.Key) (TOTPSetup, error) {
	img, err := key.Image(240, 240)
	if err != nil {
		return TOTPSetup{}, fmt.Errorf("auth: totp qr: %w", err)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return TOTPSetup{}, fmt.Errorf("auth: totp qr: %w", err)
	}
	return TOTPSetup{Secret: key.Secret(), URL: key.URL(), QRPNG: buf.Bytes()}, nil
}

// matchTOTP returns the time step within the skew window whose code equals code.
func (s *Service) matchTOTP(secret, code string) (int64, bool) {
	now := s.now()
	step := now.Unix() / totpPeriod
	var found int64
	ok := false
	for d := int64(-totpSkew); d <= totpSkew; d++ {
		st := step + d
		want, err := totp.GenerateCodeCustom(secret, time.Unix(st*totpPeriod, 0), totp.ValidateOpts{
			Period: totpPeriod, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1,
		})
		if err == nil && keys.Equal([]byte(want), []byte(code)) && !ok {
			found, ok = st, true
		}
	}
	return found, ok
}

// checkTOTP accepts a code once: the matched step must be newer than the last accepted
// one, and storing it is a conditional update that only one concurrent login wins.
func (s *Service) checkTOTP(ctx context.Context, a *Account, code string) error {
	secret, err := s.master.Open(keys.PurposeTOTP, a.TOTPSecretSealed, totpBinding(a, "totp"))
	if err != nil {
		return fmt.Errorf("auth: totp secret: %w", err)
	}
	step, ok := s.matchTOTP(string(secret), normalizeCode(code))
	if !ok || step <= a.TOTPLastStep {
		return ErrInvalidCode
	}
	won, err := s.advanceTOTPStep(ctx, a.ID, step)
	if err != nil {
		return fmt.Errorf("auth: totp step: %w", err)
	}
	if !won {
		return ErrInvalidCode
	}
	a.TOTPLastStep = step
	return nil
}

// ConfirmTOTP turns TOTP on once a code from the pending secret checks out, and issues a
// fresh set of recovery codes (the old ones stop working). It needs a fresh step-up: a
// session without one must not be able to enrol a second factor of its own choosing.
func (s *Service) ConfirmTOTP(ctx context.Context, sess *Session, code string, c Client) ([]string, error) {
	if err := s.requireStepUp(sess); err != nil {
		return nil, err
	}
	a := sess.Account
	if len(a.TOTPPendingSealed) == 0 {
		return nil, ErrTOTPNotStarted
	}
	secret, err := s.master.Open(keys.PurposeTOTP, a.TOTPPendingSealed, totpBinding(a, "totp-pending"))
	if err != nil {
		return nil, fmt.Errorf("auth: totp pending: %w", err)
	}
	key := "code:totp-confirm:" + a.ID
	if err := s.checkThrottles(ctx, key); err != nil {
		return nil, err
	}
	step, ok := s.matchTOTP(string(secret), normalizeCode(code))
	if !ok {
		if _, err := s.throttleFail(ctx, key, codeThrottle); err != nil {
			return nil, err
		}
		return nil, ErrInvalidCode
	}
	priv, err := s.PrivateKey(sess)
	if err != nil {
		return nil, err
	}
	rows, codes, err := s.newRecoveryCodes(ctx, a, priv)
	if err != nil {
		return nil, err
	}
	err = db.Tx(ctx, s.db, func(ctx context.Context) error {
		now := s.now()
		a.TOTPSecretSealed = s.master.Seal(keys.PurposeTOTP, secret, totpBinding(a, "totp"))
		a.TOTPPendingSealed = nil
		a.TOTPEnabledAt = &now
		a.TOTPLastStep = step
		if err := s.updateAccount(ctx, a, "totp_secret_sealed", "totp_pending_sealed", "totp_enabled_at", "totp_last_step"); err != nil {
			return err
		}
		if err := s.replaceRecoveryCodes(ctx, a, rows); err != nil {
			return err
		}
		if err := s.throttleReset(ctx, key); err != nil {
			return err
		}
		return s.record(ctx, a, "auth.totp.enable", "success", c, nil)
	})
	if err != nil {
		return nil, fmt.Errorf("auth: totp confirm: %w", err)
	}
	s.notifyMail(ctx, a, "totp_enabled", nil)
	return codes, nil
}

// DisableTOTP turns TOTP off (after step-up).
func (s *Service) DisableTOTP(ctx context.Context, sess *Session, c Client) error {
	if err := s.requireStepUp(sess); err != nil {
		return err
	}
	a := sess.Account
	err := db.Tx(ctx, s.db, func(ctx context.Context) error {
		a.TOTPSecretSealed, a.TOTPPendingSealed, a.TOTPEnabledAt = nil, nil, nil
		if err := s.updateAccount(ctx, a, "totp_secret_sealed", "totp_pending_sealed", "totp_enabled_at"); err != nil {
			return err
		}
		return s.record(ctx, a, "auth.totp.disable", "success", c, nil)
	})
	if err != nil {
		return fmt.Errorf("auth: totp disable: %w", err)
	}
	s.notifyMail(ctx, a, "totp_disabled", nil)
	return nil
}
