package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/securemailbox/securemailbox/internal/db"
	"github.com/securemailbox/securemailbox/internal/keys"
	"github.com/securemailbox/securemailbox/tenants"
)

// Profile is what an account sees of itself.
type Profile struct {
	Account           *Account
	RecoveryCodesLeft int
	Memberships       []tenants.Membership
}

// Me returns the session's profile.
func (s *Service) Me(ctx context.Context, sess *Session) (Profile, error) {
	a := sess.Account
	k, err := s.currentKey(ctx, a.ID)
	if err != nil {
		return Profile{}, fmt.Errorf("auth: me: %w", err)
	}
	n, err := s.countRecoveryCodes(ctx, a.ID, k.ID)
	if err != nil {
		return Profile{}, fmt.Errorf("auth: me: %w", err)
	}
	ms, err := s.tenants.Memberships(ctx, a.ID)
	if err != nil {
		return Profile{}, err
	}
	return Profile{Account: a, RecoveryCodesLeft: n, Memberships: ms}, nil
}

// SetLocale changes the account's language.
func (s *Service) SetLocale(ctx context.Context, sess *Session, locale string) error {
	if !s.i18n.Supported(locale) {
		return ErrInvalidLocale
	}
	sess.Account.Locale = locale
	return s.updateAccount(ctx, sess.Account, "locale")
}

// StartStepUp sends an SMS control code to the account's mobile.
func (s *Service) StartStepUp(ctx context.Context, sess *Session, c Client) error {
	a := sess.Account
	return s.sendCode(ctx, purposeStepUp, a.ID, a.ID, a.Mobile, a.Locale, c)
}

// StepUp checks a fresh SMS control code or TOTP code and returns a new session token that
// may do sensitive actions for StepUpFor; the old token dies.
func (s *Service) StepUp(ctx context.Context, sess *Session, code string, c Client) (Issued, error) {
	a := sess.Account
	key := "code:step-up-totp:" + a.ID
	if err := s.checkThrottles(ctx, key); err != nil {
		return Issued{}, err
	}
	method := "sms"
	err := s.checkCode(ctx, purposeStepUp, a.ID, code)
	if err != nil && a.TOTPEnabled() {
		if terr := s.checkTOTP(ctx, a, code); terr == nil {
			err, method = nil, "totp"
		} else if _, ferr := s.throttleFail(ctx, key, codeThrottle); ferr != nil {
			return Issued{}, ferr
		}
	}
	if err != nil {
		if rerr := s.record(ctx, a, "auth.step_up", "failure", c, nil); rerr != nil {
			return Issued{}, rerr
		}
		return Issued{}, err
	}
	until := s.now().Add(s.opts.StepUpFor)
	var out Issued
	err = db.Tx(ctx, s.db, func(ctx context.Context) error {
		var err error
		if out, err = s.rotate(ctx, sess, stageFull, &until, c); err != nil {
			return err
		}
		return s.record(ctx, a, "auth.step_up", "success", c, map[string]string{"method": method})
	})
	return out, err
}

// NewRecoveryCodes replaces the account's recovery codes (after step-up).
func (s *Service) NewRecoveryCodes(ctx context.Context, sess *Session, c Client) ([]string, error) {
	if err := s.requireStepUp(sess); err != nil {
		return nil, err
	}
	priv, err := s.PrivateKey(sess)
	if err != nil {
		return nil, err
	}
	rows, codes, err := s.newRecoveryCodes(ctx, sess.Account, priv)
	if err != nil {
		return nil, err
	}
	err = db.Tx(ctx, s.db, func(ctx context.Context) error {
		if err := s.replaceRecoveryCodes(ctx, sess.Account, rows); err != nil {
			return err
		}
		return s.record(ctx, sess.Account, "auth.recovery_codes.renew", "success", c, nil)
	})
	if err != nil {
		return nil, fmt.Errorf("auth: new recovery codes: %w", err)
	}
	s.notifyMail(ctx, sess.Account, "recovery_codes_renewed", nil)
	return codes, nil
}

// SetBackupPhone records a pending backup phone (after step-up) and sends it a code.
func (s *Service) SetBackupPhone(ctx context.Context, sess *Session, mobile string, c Client) error {
	return s.startPhoneChange(ctx, sess, mobile, c, backupPhoneChange)
}

// VerifyBackupPhone confirms the pending backup phone with the code sent to it.
func (s *Service) VerifyBackupPhone(ctx context.Context, sess *Session, code string, c Client) error {
	return s.confirmPhoneChange(ctx, sess, code, c, backupPhoneChange)
}

// ChangePassword sets a new password (after step-up): the private key is re-sealed under
// the new password's KEK, and every other session ends.
func (s *Service) ChangePassword(ctx context.Context, sess *Session, newPassword string, c Client) error {
	if err := s.requireStepUp(sess); err != nil {
		return err
	}
	a := sess.Account
	if err := s.block.check(newPassword, a.Email, a.Name); err != nil {
		return err
	}
	priv, err := s.PrivateKey(sess)
	if err != nil {
		return err
	}
	record, kek, err := s.hasher.Enroll(ctx, newPassword, passwordOwner(a))
	if err != nil {
		return fmt.Errorf("auth: change password: %w", err)
	}
	err = db.Tx(ctx, s.db, func(ctx context.Context) error {
		a.PasswordRecord = record
		if err := s.updateAccount(ctx, a, "password_record"); err != nil {
			return err
		}
		if err := s.setKeySeal(ctx, a.ID, priv.ID(), keys.SealPrivateKey(kek, priv, keyBinding(a))); err != nil {
			return err
		}
		if err := s.deleteSessions(ctx, a.ID, sess.ID); err != nil {
			return err
		}
		return s.record(ctx, a, "auth.password.change", "success", c, nil)
	})
	if err != nil {
		return fmt.Errorf("auth: change password: %w", err)
	}
	s.notifyMail(ctx, a, "password_changed", map[string]any{"At": s.now().Format(time.RFC1123)})
	return nil
}
