package auth

import (
	"context"
	"fmt"

	"github.com/securemailbox/securemailbox/internal/db"
	"github.com/securemailbox/securemailbox/internal/keys"
)

func accountThrottleKey(email string) string { return "login:acct:" + email }
func ipThrottleKey(ip string) string         { return "login:ip:" + ip }
func mfaThrottleKey(id string) string        { return "login:mfa:" + id }

// checkThrottles refuses an attempt while any of keys is blocked.
func (s *Service) checkThrottles(ctx context.Context, keys ...string) error {
	for _, k := range keys {
		wait, locked, err := s.throttleCheck(ctx, k)
		if err != nil {
			return err
		}
		if locked {
			return ErrLocked.After(wait)
		}
		if wait > 0 {
			return ErrTooManyAttempts.After(wait) // the edge words the wait in the request's language
		}
	}
	return nil
}

// Login checks e-mail and password. Without TOTP it returns a full session; with TOTP a
// token that is good only for CompleteMFA. Unknown addresses cost the same Argon2id run
// and get the same answer as wrong passwords; both are throttled per address and per IP.
func (s *Service) Login(ctx context.Context, email, password string, c Client) (Issued, error) {
	email, err := NormalizeEmail(email)
	if err != nil {
		s.hasher.Dummy(ctx)
		return Issued{}, ErrInvalidCredentials
	}
	akey, ikey := accountThrottleKey(email), ipThrottleKey(c.network())
	if err := s.checkThrottles(ctx, akey, ikey); err != nil {
		return Issued{}, err
	}
	fail := func(a *Account) (Issued, error) {
		if _, err := s.throttleFail(ctx, akey, accountThrottle); err != nil {
			return Issued{}, err
		}
		if _, err := s.throttleFail(ctx, ikey, ipThrottle); err != nil {
			return Issued{}, err
		}
		if err := s.record(ctx, a, "auth.login.failure", "failure", c, nil); err != nil {
			return Issued{}, err
		}
		return Issued{}, ErrInvalidCredentials
	}
	a, err := s.accountByEmail(ctx, email)
	if isNotFound(err) {
		s.hasher.Dummy(ctx)
		return fail(nil)
	}
	if err != nil {
		return Issued{}, fmt.Errorf("auth: login: %w", err)
	}
	kek, err := s.hasher.Verify(ctx, password, passwordOwner(a), a.PasswordRecord)
	if err != nil {
		return fail(a)
	}
	priv, err := s.unsealWithKEK(ctx, a, kek)
	if err != nil {
		return Issued{}, err
	}
	if s.hasher.NeedsRehash(a.PasswordRecord) {
		// The Argon2id parameters were raised since this password was set: the login is the
		// one moment the password is at hand to re-derive the record and re-seal the key.
		if err := s.rehash(ctx, a, password, priv); err != nil {
			return Issued{}, err
		}
	}
	var out Issued
	err = db.Tx(ctx, s.db, func(ctx context.Context) error {
		if err := s.throttleReset(ctx, akey); err != nil {
			return err
		}
		stage := stageFull
		if a.TOTPEnabled() {
			stage = stageMFA
		}
		if out, err = s.issue(ctx, a, priv, stage, s.now(), nil, c); err != nil {
			return err
		}
		action := "auth.login.success"
		if stage == stageMFA {
			action = "auth.login.password"
		}
		return s.record(ctx, a, action, "success", c, nil)
	})
	return out, err
}

// MFAState tells the second-factor page what to offer.
type MFAState struct {
	HasTOTP           bool
	BackupPhoneMasked string
}

// MFA returns the state of an MFA-pending token.
func (s *Service) MFA(ctx context.Context, token string) (MFAState, error) {
	sess, err := s.load(ctx, token, stageMFA)
	if err != nil {
		return MFAState{}, err
	}
	st := MFAState{HasTOTP: sess.Account.TOTPEnabled()}
	if p := sess.Account.VerifiedBackupPhone(); p != "" {
		st.BackupPhoneMasked = MaskPhone(p)
	}
	return st, nil
}

// SendLoginSMS sends a login code to the verified backup phone of an MFA-pending token.
func (s *Service) SendLoginSMS(ctx context.Context, token string, c Client) error {
	sess, err := s.load(ctx, token, stageMFA)
	if err != nil {
		return err
	}
	phone := sess.Account.VerifiedBackupPhone()
	if phone == "" {
		return ErrNoPhone
	}
	return s.sendCode(ctx, purposeLogin, sess.Account.ID, sess.Account.ID, phone, sess.Account.Locale, c)
}

// MFAInput is the second factor: a TOTP code, a backup-phone SMS code, or a recovery code.
type MFAInput struct {
	Code, RecoveryCode string
}

// CompleteMFA checks the second factor of an MFA-pending token and returns a new, full
// session token; the pending token dies.
func (s *Service) CompleteMFA(ctx context.Context, token string, in MFAInput, c Client) (Issued, error) {
	sess, err := s.load(ctx, token, stageMFA)
	if err != nil {
		return Issued{}, err
	}
	a := sess.Account
	tkey := mfaThrottleKey(a.ID)
	if err := s.checkThrottles(ctx, tkey, ipThrottleKey(c.network())); err != nil {
		return Issued{}, err
	}
	method, err := s.secondFactor(ctx, a, in, true)
	if err != nil {
		if _, ferr := s.throttleFail(ctx, tkey, accountThrottle); ferr != nil {
			return Issued{}, ferr
		}
		if rerr := s.record(ctx, a, "auth.mfa.failure", "failure", c, nil); rerr != nil {
			return Issued{}, rerr
		}
		return Issued{}, err
	}
	var out Issued
	err = db.Tx(ctx, s.db, func(ctx context.Context) error {
		if err := s.throttleReset(ctx, tkey); err != nil {
			return err
		}
		if out, err = s.rotate(ctx, sess, stageFull, nil, c); err != nil {
			return err
		}
		return s.record(ctx, a, "auth.login.success", "success", c, map[string]string{"method": method})
	})
	if err == nil && method == "recovery_code" {
		s.notifyMail(ctx, a, "recovery_code_used", nil)
	}
	return out, err
}

// secondFactor checks one second factor and consumes it. With allowSMS a backup-phone code
// is accepted too. It returns the method used.
func (s *Service) secondFactor(ctx context.Context, a *Account, in MFAInput, allowSMS bool) (string, error) {
	switch {
	case in.RecoveryCode != "":
		_, rc, err := s.openRecoveryCode(ctx, a, in.RecoveryCode)
		if err != nil {
			return "", err
		}
		won, err := s.useRecoveryCode(ctx, rc.ID)
		if err != nil {
			return "", err
		}
		if !won {
			return "", ErrInvalidCode
		}
		return "recovery_code", nil
	case in.Code != "":
		if a.TOTPEnabled() {
			if err := s.checkTOTP(ctx, a, in.Code); err == nil {
				return "totp", nil
			}
		}
		if allowSMS && a.VerifiedBackupPhone() != "" {
			if err := s.checkCode(ctx, purposeLogin, a.ID, in.Code); err == nil {
				return "sms", nil
			}
		}
		return "", ErrInvalidCode
	default:
		return "", ErrInvalidCode
	}
}

// rehash re-derives the password record with the current parameters and re-seals the
// account's private key under the new KEK, in one transaction.
func (s *Service) rehash(ctx context.Context, a *Account, password string, priv *keys.PrivateKey) error {
	record, kek, err := s.hasher.Enroll(ctx, password, passwordOwner(a))
	if err != nil {
		return fmt.Errorf("auth: rehash: %w", err)
	}
	return db.Tx(ctx, s.db, func(ctx context.Context) error {
		a.PasswordRecord = record
		if err := s.updateAccount(ctx, a, "password_record"); err != nil {
			return err
		}
		return s.setKeySeal(ctx, a.ID, priv.ID(), keys.SealPrivateKey(kek, priv, keyBinding(a)))
	})
}
