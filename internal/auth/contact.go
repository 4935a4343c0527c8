package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/securemailbox/securemailbox/internal/db"
	"github.com/securemailbox/securemailbox/internal/fault"
)

// Purposes of a change of address or number.
const (
	purposeChangeEmail  = "change_email"
	purposeChangeMobile = "change_mobile"
)

// ErrEmailTaken is answered to a signed-in person who asks for an address another account
// has (telling them costs nothing: the change needs the address's mailbox anyway).
var ErrEmailTaken = fault.New(fault.Conflict, "email_taken", "auth.error.email_taken")

// RequestEmailChange (after step-up) mails a confirmation link to the new address; the
// account keeps its current address until the link is opened, and the current address is
// told.
func (s *Service) RequestEmailChange(ctx context.Context, sess *Session, email string, c Client) error {
	if err := s.requireStepUp(sess); err != nil {
		return err
	}
	email, err := NormalizeEmail(email)
	if err != nil {
		return err
	}
	a := sess.Account
	if email == a.Email {
		return nil
	}
	if _, err := s.accountByEmail(ctx, email); err == nil {
		return ErrEmailTaken
	} else if !isNotFound(err) {
		return fmt.Errorf("auth: change e-mail: %w", err)
	}
	var tok string
	err = db.Tx(ctx, s.db, func(ctx context.Context) error {
		if err := s.endEmailTokens(ctx, a.ID, purposeChangeEmail); err != nil {
			return err // only the newest change link works
		}
		var err error
		if tok, err = s.newEmailToken(ctx, purposeChangeEmail, a, email, s.opts.EmailTokenTTL); err != nil {
			return err
		}
		return s.record(ctx, a, "auth.email.change_requested", "success", c, nil)
	})
	if err != nil {
		return err
	}
	if err := s.sendMail(ctx, email, a.Locale, "change_email", map[string]any{
		"Name": a.Name, "URL": s.opts.BaseURL + "/verify/email/" + tok,
	}); err != nil {
		return err
	}
	s.notifyMail(ctx, a, "email_change_notice", map[string]any{"New": email})
	return nil
}

// confirmEmailChange is VerifyEmail for a change-of-address token: the account's address
// becomes the confirmed new one.
func (s *Service) confirmEmailChange(ctx context.Context, t *emailToken, c Client) error {
	a, err := s.accountByID(ctx, t.AccountID)
	if err != nil {
		return err
	}
	if _, err := s.accountByEmail(ctx, t.Email); err == nil {
		return ErrEmailTaken
	} else if !isNotFound(err) {
		return err
	}
	now := s.now()
	a.Email, a.EmailVerifiedAt = t.Email, &now
	if err := s.updateAccount(ctx, a, "email", "email_verified_at"); err != nil {
		if isConflict(err) {
			return ErrEmailTaken
		}
		return err
	}
	return s.record(ctx, a, "auth.email.change", "success", c, nil)
}

// RequestMobileChange (after step-up, which proved the old factor) sends a code to the new
// number; the number changes once that code comes back.
func (s *Service) RequestMobileChange(ctx context.Context, sess *Session, mobile string, c Client) error {
	return s.startPhoneChange(ctx, sess, mobile, c, mobileChange)
}

// ConfirmMobileChange checks the code sent to the new number and makes it the mobile.
func (s *Service) ConfirmMobileChange(ctx context.Context, sess *Session, code string, c Client) error {
	return s.confirmPhoneChange(ctx, sess, code, c, mobileChange)
}

// phoneChange is a number that becomes the account's once a code sent to it comes back:
// the mobile, or the backup phone.
type phoneChange struct {
	purpose string
	column  string                                                // the column of the pending number
	pending func(a *Account) **string                             // where the number waits
	apply   func(a *Account, now time.Time) []string              // moves it into place; the columns changed
	action  string                                                // audit action
	notice  func(a *Account, old string) (string, map[string]any) // the e-mail that tells the account
}

var mobileChange = phoneChange{
	purpose: purposeChangeMobile,
	column:  "mobile_pending",
	pending: func(a *Account) **string { return &a.MobilePending },
	apply: func(a *Account, now time.Time) []string {
		a.Mobile, a.MobilePending, a.MobileVerifiedAt = *a.MobilePending, nil, &now
		return []string{"mobile", "mobile_pending", "mobile_verified_at"}
	},
	action: "auth.mobile.change",
	notice: func(a *Account, old string) (string, map[string]any) {
		return "mobile_changed", map[string]any{"Old": MaskPhone(old), "New": MaskPhone(a.Mobile)}
	},
}

var backupPhoneChange = phoneChange{
	purpose: purposeBackupPhone,
	column:  "backup_phone_pending",
	pending: func(a *Account) **string { return &a.BackupPhonePending },
	apply: func(a *Account, now time.Time) []string {
		a.BackupPhone, a.BackupPhonePending, a.BackupPhoneVerifiedAt = a.BackupPhonePending, nil, &now
		return []string{"backup_phone", "backup_phone_pending", "backup_phone_verified_at"}
	},
	action: "auth.backup_phone.set",
	notice: func(*Account, string) (string, map[string]any) { return "backup_phone_set", nil },
}

// startPhoneChange (after step-up) keeps the new number pending and sends it a code.
func (s *Service) startPhoneChange(ctx context.Context, sess *Session, mobile string, c Client, ch phoneChange) error {
	if err := s.requireStepUp(sess); err != nil {
		return err
	}
	phone, err := ParseMobile(mobile)
	if err != nil {
		return err
	}
	a := sess.Account
	*ch.pending(a) = &phone
	if err := s.updateAccount(ctx, a, ch.column); err != nil {
		return fmt.Errorf("auth: %s: %w", ch.purpose, err)
	}
	return s.sendCode(ctx, ch.purpose, phoneObject(a, phone), a.ID, phone, a.Locale, c)
}

// phoneObject binds a phone-change code to the number it was sent to: a code that reached
// one number cannot confirm another.
func phoneObject(a *Account, phone string) string { return a.ID + "|" + phone }

// confirmPhoneChange checks the code sent to the pending number and makes it current.
func (s *Service) confirmPhoneChange(ctx context.Context, sess *Session, code string, c Client, ch phoneChange) error {
	a := sess.Account
	pending := *ch.pending(a)
	if pending == nil {
		return ErrNoPhone
	}
	if err := s.checkCode(ctx, ch.purpose, phoneObject(a, *pending), code); err != nil {
		return err // checked outside the transaction: a failure count is never rolled back
	}
	old := a.Mobile
	err := db.Tx(ctx, s.db, func(ctx context.Context) error {
		if err := s.updateAccount(ctx, a, ch.apply(a, s.now())...); err != nil {
			return err
		}
		// Other sessions end: whoever holds one did not prove the new number.
		if err := s.deleteSessions(ctx, a.ID, sess.ID); err != nil {
			return err
		}
		return s.record(ctx, a, ch.action, "success", c, nil)
	})
	if err != nil {
		return err
	}
	kind, data := ch.notice(a, old)
	s.notifyMail(ctx, a, kind, data)
	return nil
}
