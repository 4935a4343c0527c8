package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/securemailbox/securemailbox/internal/db"
	"github.com/securemailbox/securemailbox/internal/fault"
	"github.com/securemailbox/securemailbox/internal/keys"
)

// Sign-up rate limits: every attempt counts (the counters fade after a quiet day).
var (
	signUpIPThrottle   = throttlePolicy{Free: 30, Base: 10 * time.Second, Max: 10 * time.Minute, LockAfter: 10000, LockFor: time.Hour}
	signUpAddrThrottle = throttlePolicy{Free: 3, Base: time.Minute, Max: time.Hour, LockAfter: 10000, LockFor: time.Hour}
)

// SignUpInput is what a person gives to create an account.
type SignUpInput struct {
	Email, Password, Mobile, Name, Locale string
}

// SignUpResult is the new account's id and its first recovery codes (shown once). EmailSent
// and SMSSent say whether the relay and gateway took the verification messages; when not,
// the person can ask for them again.
type SignUpResult struct {
	AccountID     string
	RecoveryCodes []string
	EmailSent     bool
	SMSSent       bool
}

// fieldErrors checks every field of a sign-up and returns the normalised input and each
// field's own problem.
func (s *Service) fieldErrors(in SignUpInput) (SignUpInput, map[string]error) {
	out := in
	errs := map[string]error{}
	var err error
	if out.Email, err = NormalizeEmail(in.Email); err != nil {
		errs["email"] = err
	}
	if out.Mobile, err = ParseMobile(in.Mobile); err != nil {
		errs["mobile"] = err
	}
	if out.Name, err = validName(in.Name); err != nil {
		errs["name"] = err
	}
	if err = s.block.check(in.Password, out.Email, out.Name); err != nil {
		errs["password"] = err
	}
	out.Locale = s.locale(strings.ToLower(in.Locale))
	return out, errs
}

// signUpFields lists the fields in form order, so the first problem reported is the first
// field's.
var signUpFields = []string{"name", "email", "mobile", "password"}

// validate returns the normalised input, or one error naming the first problem and
// carrying every problem as field details.
func (s *Service) validate(in SignUpInput) (SignUpInput, error) {
	out, errs := s.fieldErrors(in)
	var first *fault.Error
	var details []fault.Detail
	for _, field := range signUpFields {
		if err, bad := errs[field]; bad {
			fe, _ := fault.As(err)
			if first == nil {
				first = fe
			}
			details = append(details, fault.Detail{Field: field, Code: fe.Code, Key: fe.Key, Args: fe.Args})
		}
	}
	if first == nil {
		return out, nil
	}
	e := *first
	e.Details = details
	return out, &e
}

// SignUp creates an account with its personal tenant, key pair and first recovery codes,
// and sends the e-mail link and the SMS code. For an address that already has an account
// it answers exactly the same way, after the same work, creates nothing, and tells the
// address's owner by e-mail (no user enumeration).
func (s *Service) SignUp(ctx context.Context, in SignUpInput, c Client) (SignUpResult, error) {
	in, err := s.validate(in)
	if err != nil {
		return SignUpResult{}, err
	}
	// Every sign-up costs eleven Argon2id runs and may mail the address's owner: bound them
	// per IP and per address before any of that work.
	ipKey, addrKey := "signup:ip:"+c.network(), "signup:addr:"+in.Email
	if err := s.checkThrottles(ctx, ipKey, addrKey); err != nil {
		return SignUpResult{}, err
	}
	if _, err := s.throttleFail(ctx, ipKey, signUpIPThrottle); err != nil {
		return SignUpResult{}, err
	}
	if _, err := s.throttleFail(ctx, addrKey, signUpAddrThrottle); err != nil {
		return SignUpResult{}, err
	}
	now := s.now()
	a := &Account{
		ID: db.NewID(), Email: in.Email, Name: in.Name, Mobile: in.Mobile, Locale: in.Locale,
		CreatedAt: now, UpdatedAt: now,
	}
	priv, err := keys.GenerateKeyPair()
	if err != nil {
		return SignUpResult{}, fmt.Errorf("auth: sign up: %w", err)
	}
	record, kek, err := s.hasher.Enroll(ctx, in.Password, passwordOwner(a))
	if err != nil {
		return SignUpResult{}, fmt.Errorf("auth: sign up: %w", err)
	}
	a.PasswordRecord = record
	existing, err := s.accountByEmail(ctx, in.Email)
	if err != nil && !isNotFound(err) {
		return SignUpResult{}, fmt.Errorf("auth: sign up: %w", err)
	}
	taken := err == nil

	t := s.tenants.NewPersonal(in.Name)
	a.PersonalTenantID = t.ID
	// The Argon2id work for the codes happens before the transaction: it must not hold the
	// write lock. A taken address does the same work and stores nothing.
	rows, codes, err := s.newRecoveryCodes(ctx, a, priv)
	if err != nil {
		return SignUpResult{}, err
	}
	var token string
	if !taken {
		err = db.Tx(ctx, s.db, func(ctx context.Context) error {
			if err := s.tenants.Create(ctx, t); err != nil {
				return err
			}
			if err := s.insert(ctx, a); err != nil {
				return err
			}
			if err := s.tenants.AddOwner(ctx, t.ID, a.ID); err != nil {
				return err
			}
			if err := s.insert(ctx, s.newKeyRow(a, priv, kek)); err != nil {
				return err
			}
			if err := s.replaceRecoveryCodes(ctx, a, rows); err != nil {
				return err
			}
			if token, err = s.newEmailToken(ctx, purposeVerifyEmail, a, a.Email, s.opts.EmailTokenTTL); err != nil {
				return err
			}
			return s.record(ctx, a, "auth.signup", "success", c, nil)
		})
	}
	if err != nil {
		if isConflict(err) {
			taken = true // a concurrent sign-up with the same address won
		} else {
			return SignUpResult{}, fmt.Errorf("auth: sign up: %w", err)
		}
	}
	res := SignUpResult{AccountID: a.ID, RecoveryCodes: codes}
	if taken {
		if existing != nil {
			s.notifyMail(ctx, existing, "signup_existing", map[string]any{"URL": s.opts.BaseURL + "/password-reset"})
		}
		res.EmailSent = true
		// The ghost's code can be "verified" like a real one; nothing is behind it.
		res.SMSSent = s.sendCode(ctx, purposeVerifyMobile, a.ID, a.ID, in.Mobile, in.Locale, c) == nil
		return res, nil
	}
	res.EmailSent = s.sendVerifyEmail(ctx, a, token) == nil
	res.SMSSent = s.sendCode(ctx, purposeVerifyMobile, a.ID, a.ID, a.Mobile, a.Locale, c) == nil
	return res, nil
}

func isConflict(err error) bool { return errors.Is(err, db.ErrConflict) }

func (s *Service) sendVerifyEmail(ctx context.Context, a *Account, token string) error {
	return s.sendMail(ctx, a.Email, a.Locale, "verify_email", map[string]any{
		"Name": a.Name, "URL": s.opts.BaseURL + "/verify/email/" + token,
	})
}

// VerifyEmail consumes an e-mail verification token.
//
// The same link confirms a change of address (RequestEmailChange): both prove that the
// person reads the mailbox.
func (s *Service) VerifyEmail(ctx context.Context, token string, c Client) error {
	return db.Tx(ctx, s.db, func(ctx context.Context) error {
		t, err := s.lookupEmailToken(ctx, purposeVerifyEmail, token)
		if err == ErrInvalidToken {
			t, err = s.lookupEmailToken(ctx, purposeChangeEmail, token)
		}
		if err != nil {
			return err
		}
		if won, err := s.useEmailToken(ctx, t.ID); err != nil || !won {
			if err != nil {
				return err
			}
			return ErrInvalidToken
		}
		if t.Purpose == purposeChangeEmail {
			return s.confirmEmailChange(ctx, t, c)
		}
		a, err := s.accountByID(ctx, t.AccountID)
		if err != nil {
			return err
		}
		if a.Email != t.Email {
			return ErrInvalidToken // the address changed since the link was sent
		}
		now := s.now()
		a.EmailVerifiedAt = &now
		if err := s.updateAccount(ctx, a, "email_verified_at"); err != nil {
			return err
		}
		return s.record(ctx, a, "auth.email.verify", "success", c, nil)
	})
}

// VerifyMobile checks the sign-up SMS code of accountID.
//
// The code is checked (and a failure counted) outside the transaction that records the
// result, so a refused code's failure count is never rolled back.
func (s *Service) VerifyMobile(ctx context.Context, accountID, code string, c Client) error {
	if err := s.checkCode(ctx, purposeVerifyMobile, accountID, code); err != nil {
		return err
	}
	return db.Tx(ctx, s.db, func(ctx context.Context) error {
		a, err := s.accountByID(ctx, accountID)
		if isNotFound(err) {
			return nil // the ghost of a sign-up with a taken address
		}
		if err != nil {
			return err
		}
		now := s.now()
		a.MobileVerifiedAt = &now
		if err := s.updateAccount(ctx, a, "mobile_verified_at"); err != nil {
			return err
		}
		return s.record(ctx, a, "auth.mobile.verify", "success", c, nil)
	})
}

// ResendMobileCode sends a new sign-up SMS code while the mobile is unverified. Unknown
// and verified accounts get the same answer and no SMS.
func (s *Service) ResendMobileCode(ctx context.Context, accountID string, c Client) error {
	a, err := s.accountByID(ctx, accountID)
	if isNotFound(err) {
		// The sign-up of a taken address: resend to the number it gave, like a real one.
		phone, used, err := s.codeTrail(ctx, purposeVerifyMobile, accountID)
		if err != nil || phone == "" || used {
			return err
		}
		return s.sendCode(ctx, purposeVerifyMobile, accountID, accountID, phone, c.Lang, c)
	}
	if err != nil {
		return fmt.Errorf("auth: resend code: %w", err)
	}
	if a.MobileVerifiedAt != nil {
		return nil
	}
	return s.sendCode(ctx, purposeVerifyMobile, a.ID, a.ID, a.Mobile, a.Locale, c)
}

// ResendVerifyEmail sends a new verification link to the session's unverified address.
func (s *Service) ResendVerifyEmail(ctx context.Context, sess *Session) error {
	a := sess.Account
	if a.EmailVerifiedAt != nil {
		return nil
	}
	var token string
	err := db.Tx(ctx, s.db, func(ctx context.Context) error {
		var err error
		token, err = s.newEmailToken(ctx, purposeVerifyEmail, a, a.Email, s.opts.EmailTokenTTL)
		return err
	})
	if err != nil {
		return err
	}
	return s.sendVerifyEmail(ctx, a, token)
}

// VerificationStatus is what the verify page shows for an account id.
type VerificationStatus struct {
	EmailVerified, MobileVerified bool
	Email, MobileMasked           string
}

// Verification returns the verification state of accountID. The sign-up of a taken
// address (no account behind its id) shows the number it gave and its own progress, like a
// real one; an id nobody signed up with looks like a fresh, unverified account.
func (s *Service) Verification(ctx context.Context, accountID string) (VerificationStatus, error) {
	a, err := s.accountByID(ctx, accountID)
	if isNotFound(err) {
		phone, used, err := s.codeTrail(ctx, purposeVerifyMobile, accountID)
		if err != nil || phone == "" {
			return VerificationStatus{}, err
		}
		return VerificationStatus{MobileVerified: used, MobileMasked: MaskPhone(phone)}, nil
	}
	if err != nil {
		return VerificationStatus{}, err
	}
	return VerificationStatus{EmailVerified: a.EmailVerifiedAt != nil, MobileVerified: a.MobileVerifiedAt != nil, MobileMasked: MaskPhone(a.Mobile)}, nil
}
