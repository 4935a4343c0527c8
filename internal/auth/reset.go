package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/securemailbox/securemailbox/internal/db"
	"github.com/securemailbox/securemailbox/internal/keys"
)

// resetMailsPerHour bounds the reset links mailed to one account.
const resetMailsPerHour = 5

// resetThrottle bounds reset requests per IP (every request counts, known address or not).
var resetThrottle = throttlePolicy{Free: 20, Base: 10 * time.Second, Max: time.Hour, LockAfter: 1000, LockFor: time.Hour}

// RequestPasswordReset e-mails a reset link to a known address. It answers the same, at
// the same speed, for every address: everything that depends on whether the address has
// an account — the lookup, the token, the audit event, the mail — runs after the answer,
// in the background. The link is a secret, but it exists only in memory until the relay
// has it; a failure cannot be reported without telling who has an account.
func (s *Service) RequestPasswordReset(ctx context.Context, email string, c Client) error {
	email, err := NormalizeEmail(email)
	if err != nil {
		return nil
	}
	key := "reset:ip:" + c.network()
	if err := s.checkThrottles(ctx, key); err != nil {
		return err
	}
	if _, err := s.throttleFail(ctx, key, resetThrottle); err != nil {
		return err
	}
	select {
	case s.background <- struct{}{}:
	default:
		s.log.Warn("auth: too many password resets in flight; request dropped")
		return nil
	}
	s.inFlight.Add(1)
	go func() {
		defer func() { <-s.background; s.inFlight.Done() }()
		bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		if err := s.mailResetLink(bctx, email, c); err != nil {
			s.log.Warn("auth: password reset mail", "err", err)
		}
	}()
	return nil
}

// mailResetLink does the work of a reset request for a known address.
func (s *Service) mailResetLink(ctx context.Context, email string, c Client) error {
	a, err := s.accountByEmail(ctx, email)
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("auth: reset: %w", err)
	}
	var tok string
	err = db.Tx(ctx, s.db, func(ctx context.Context) error {
		// A few links an hour are plenty; more would let anyone flood the address. Counted
		// and inserted in one transaction, so concurrent requests cannot pass it together.
		if err := s.lockAccount(ctx, a.ID); err != nil {
			return err
		}
		recent, err := s.countEmailTokens(ctx, a.ID, purposeReset, s.now().Add(-time.Hour))
		if err != nil || recent >= resetMailsPerHour {
			return err
		}
		if tok, err = s.newEmailToken(ctx, purposeReset, a, a.Email, s.opts.ResetTokenTTL); err != nil {
			return err
		}
		return s.record(ctx, a, "auth.password_reset.request", "success", c, nil)
	})
	if err != nil || tok == "" {
		return err
	}
	return s.sendMail(ctx, a.Email, a.Locale, "password_reset", map[string]any{
		"Name": a.Name, "URL": s.opts.BaseURL + "/password-reset/" + tok,
		"Minutes": int(s.opts.ResetTokenTTL.Minutes()),
	})
}

// Drain waits until background deliveries have been handed over (tests, shutdown).
func (s *Service) Drain() { s.inFlight.Wait() }

// ResetState tells the reset page which second factors the account has.
type ResetState struct {
	TOTPEnabled bool
	HasPhone    bool
}

func (s *Service) resetAccount(ctx context.Context, token string) (*emailToken, *Account, error) {
	t, err := s.lookupEmailToken(ctx, purposeReset, token)
	if err != nil {
		return nil, nil, err
	}
	a, err := s.accountByID(ctx, t.AccountID)
	if err != nil {
		return nil, nil, fmt.Errorf("auth: reset account: %w", err)
	}
	return t, a, nil
}

// ResetInfo returns the state of a live reset token.
func (s *Service) ResetInfo(ctx context.Context, token string) (ResetState, error) {
	_, a, err := s.resetAccount(ctx, token)
	if err != nil {
		return ResetState{}, err
	}
	return ResetState{TOTPEnabled: a.TOTPEnabled(), HasPhone: true}, nil
}

// SendResetCode sends an SMS code for a reset to the mobile (or the verified backup phone).
// When TOTP is on, SMS alone is not enough, so no code is sent.
func (s *Service) SendResetCode(ctx context.Context, token string, backup bool, c Client) error {
	_, a, err := s.resetAccount(ctx, token)
	if err != nil {
		return err
	}
	if a.TOTPEnabled() {
		return ErrSecondFactor
	}
	phone := a.Mobile
	if backup && a.VerifiedBackupPhone() != "" {
		phone = a.VerifiedBackupPhone()
	}
	return s.sendCode(ctx, purposeResetSMS, a.ID, a.ID, phone, a.Locale, c)
}

// ResetInput completes a reset: the link's token, the new password and a second factor
// the server can check — a TOTP code (when TOTP is on), an SMS code (when it is off), or a
// recovery code, which also keeps the old private key.
type ResetInput struct {
	Token, NewPassword, Code, RecoveryCode string
	AcceptKeyLoss                          bool
}

// ResetResult says whether the key pair was kept; without a recovery code the account gets
// a new key pair and a first set of recovery codes for it, shown once.
type ResetResult struct {
	KeysKept      bool
	RecoveryCodes []string
}

// CompletePasswordReset sets the new password. With a recovery code the account keeps its
// key pair; without one it gets a new key pair (after AcceptKeyLoss) and new recovery codes,
// and the old key pair stays in the keyring, locked. Every session ends, and every other
// link of the account (reset, change of address) stops working.
func (s *Service) CompletePasswordReset(ctx context.Context, in ResetInput, c Client) (ResetResult, error) {
	t, a, err := s.resetAccount(ctx, in.Token)
	if err != nil {
		return ResetResult{}, err
	}
	if err := s.block.check(in.NewPassword, a.Email, a.Name); err != nil {
		return ResetResult{}, err
	}
	tkey := "reset:" + a.ID
	if err := s.checkThrottles(ctx, tkey); err != nil {
		return ResetResult{}, err
	}
	fail := func(err error) (ResetResult, error) {
		if _, ferr := s.throttleFail(ctx, tkey, codeThrottle); ferr != nil {
			return ResetResult{}, ferr
		}
		return ResetResult{}, err
	}
	var priv *keys.PrivateKey
	var usedCode *recoveryCode
	var newCodes []*recoveryCode
	var res ResetResult
	if in.RecoveryCode != "" {
		p, rc, err := s.openRecoveryCode(ctx, a, in.RecoveryCode)
		if err != nil {
			return fail(err)
		}
		priv, usedCode, res.KeysKept = p, rc, true
	} else {
		if !in.AcceptKeyLoss {
			return ResetResult{}, ErrKeysWillBeLost
		}
		var ferr error
		switch {
		case in.Code == "":
			ferr = ErrSecondFactor
		case a.TOTPEnabled():
			ferr = s.checkTOTP(ctx, a, in.Code)
		default:
			ferr = s.checkCode(ctx, purposeResetSMS, a.ID, in.Code)
		}
		if ferr != nil {
			return fail(ferr)
		}
		if priv, err = keys.GenerateKeyPair(); err != nil {
			return ResetResult{}, fmt.Errorf("auth: reset: %w", err)
		}
		// The new key pair gets its own recovery codes; the old codes stay with the old key.
		if newCodes, res.RecoveryCodes, err = s.newRecoveryCodes(ctx, a, priv); err != nil {
			return ResetResult{}, err
		}
	}
	record, kek, err := s.hasher.Enroll(ctx, in.NewPassword, passwordOwner(a))
	if err != nil {
		return ResetResult{}, fmt.Errorf("auth: reset: %w", err)
	}
	err = db.Tx(ctx, s.db, func(ctx context.Context) error {
		if won, err := s.useEmailToken(ctx, t.ID); err != nil || !won {
			if err != nil {
				return err
			}
			return ErrInvalidToken
		}
		if err := s.endEmailTokens(ctx, a.ID, purposeReset, purposeChangeEmail); err != nil {
			return err
		}
		if usedCode != nil {
			if won, err := s.useRecoveryCode(ctx, usedCode.ID); err != nil || !won {
				if err != nil {
					return err
				}
				return ErrInvalidCode
			}
			if err := s.setKeySeal(ctx, a.ID, priv.ID(), keys.SealPrivateKey(kek, priv, keyBinding(a))); err != nil {
				return err
			}
		} else {
			if err := s.retireKeys(ctx, a.ID); err != nil {
				return err
			}
			if err := s.insert(ctx, s.newKeyRow(a, priv, kek)); err != nil {
				return err
			}
			for _, r := range newCodes {
				if err := s.insert(ctx, r); err != nil {
					return err
				}
			}
		}
		a.PasswordRecord = record
		if err := s.updateAccount(ctx, a, "password_record"); err != nil {
			return err
		}
		if err := s.deleteSessions(ctx, a.ID, ""); err != nil {
			return err
		}
		if err := s.throttleReset(ctx, tkey, accountThrottleKey(a.Email), mfaThrottleKey(a.ID)); err != nil {
			return err
		}
		return s.record(ctx, a, "auth.password_reset.complete", "success", c, map[string]string{"old_pair_kept": fmt.Sprint(res.KeysKept)})
	})
	if err != nil {
		return ResetResult{}, err
	}
	s.notifyMail(ctx, a, "password_changed", map[string]any{"At": s.now().Format(time.RFC1123)})
	if usedCode != nil {
		s.notifyMail(ctx, a, "recovery_code_used", nil)
	}
	return res, nil
}
