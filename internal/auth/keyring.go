package auth

import (
	"context"
	"fmt"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/securemailbox/securemailbox/internal/keys"
)

// RecoveryCodeCount is how many codes a set holds.
const RecoveryCodeCount = 10

func passwordOwner(a *Account) string { return "account:" + a.ID }
func recoveryOwner(id string) string  { return "recovery:" + id }

func recoveryBinding(a *Account, codeID string) keys.Binding {
	return keys.Binding{Purpose: "recovery", Tenant: a.PersonalTenantID, ObjectKind: "recovery_code", ObjectID: codeID}
}

func keyBinding(a *Account) keys.Binding { return accountBinding(a, "account-key") }

// newKeyRow seals priv under the password KEK and authenticates its public key under the
// master key, so a database writer cannot swap in a key of their own.
func (s *Service) newKeyRow(a *Account, priv *keys.PrivateKey, kek keys.SymmetricKey) *accountKey {
	pub := priv.Public()
	return &accountKey{
		ID: priv.ID(), AccountID: a.ID, State: keyCurrent,
		PublicKey:    pub.Bytes(),
		PublicKeyMAC: s.master.AuthenticatePublicKey(pub, keyBinding(a)),
		SealedKEK:    keys.SealPrivateKey(kek, priv, keyBinding(a)),
		CreatedAt:    s.now(),
	}
}

// PublicKey returns the account's current public key after checking its MAC.
func (s *Service) PublicKey(ctx context.Context, a *Account) (*keys.PublicKey, error) {
	k, err := s.currentKey(ctx, a.ID)
	if err != nil {
		return nil, fmt.Errorf("auth: public key: %w", err)
	}
	pub, err := keys.ParsePublicKey(k.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("auth: public key: %w", err)
	}
	if err := s.master.VerifyPublicKey(pub, keyBinding(a), k.PublicKeyMAC); err != nil {
		return nil, fmt.Errorf("auth: public key of %s fails its MAC: %w", a.ID, err)
	}
	return pub, nil
}

// unsealWithKEK opens the current private key with the password KEK.
func (s *Service) unsealWithKEK(ctx context.Context, a *Account, kek keys.SymmetricKey) (*keys.PrivateKey, error) {
	k, err := s.currentKey(ctx, a.ID)
	if err != nil {
		return nil, fmt.Errorf("auth: current key: %w", err)
	}
	priv, err := keys.OpenPrivateKey(kek, k.SealedKEK, keyBinding(a))
	if err != nil {
		return nil, fmt.Errorf("auth: unseal account key: %w", err)
	}
	if _, err := s.PublicKey(ctx, a); err != nil {
		return nil, err
	}
	return priv, nil
}

// newRecoveryCodes builds a set of codes, each `rowid-` + ≥100 random bits, each sealing a
// copy of priv under a key derived from the code by one Argon2id run. It returns the rows
// and the codes to show once.
func (s *Service) newRecoveryCodes(ctx context.Context, a *Account, priv *keys.PrivateKey) ([]*recoveryCode, []string, error) {
	rows := make([]*recoveryCode, RecoveryCodeCount)
	codes := make([]string, RecoveryCodeCount)
	g, gctx := errgroup.WithContext(ctx)
	for i := range rows {
		g.Go(func() error {
			id := keys.NewCodeID()
			secret := keys.NewRecoverySecret()
			record, kek, err := s.codes.Enroll(gctx, keys.NormalizeRecoverySecret(secret), recoveryOwner(id))
			if err != nil {
				return err
			}
			rows[i] = &recoveryCode{
				ID: id, AccountID: a.ID, KeyID: priv.ID(), Record: record,
				SealedKey: keys.SealPrivateKey(kek, priv, recoveryBinding(a, id)),
				CreatedAt: s.now(),
			}
			codes[i] = id + "-" + secret
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, nil, fmt.Errorf("auth: recovery codes: %w", err)
	}
	return rows, codes, nil
}

// replaceRecoveryCodes deletes the account's codes and stores rows.
func (s *Service) replaceRecoveryCodes(ctx context.Context, a *Account, rows []*recoveryCode) error {
	if err := s.deleteRecoveryCodes(ctx, a.ID); err != nil {
		return err
	}
	for _, r := range rows {
		if err := s.insert(ctx, r); err != nil {
			return err
		}
	}
	return nil
}

// openRecoveryCode checks a code of account a and returns the private key it seals and
// the row. It does not mark the code used. Every failure is ErrInvalidCode. Only codes of
// the current key pair count: a code from before a reset without one seals a key that is
// no longer the account's, and re-sealing that key under a new password would lock the
// current one away (RecoverOldKey is what such a code is for).
func (s *Service) openRecoveryCode(ctx context.Context, a *Account, code string) (*keys.PrivateKey, *recoveryCode, error) {
	return s.openCode(ctx, a, code, func(rc *recoveryCode, current *accountKey) bool { return rc.KeyID == current.ID })
}

// openCode checks a recovery code of account a whose row passes accept, with one Argon2id
// run (or a dummy one, so a miss costs the same).
func (s *Service) openCode(ctx context.Context, a *Account, code string, accept func(rc *recoveryCode, current *accountKey) bool) (*keys.PrivateKey, *recoveryCode, error) {
	code = strings.TrimSpace(strings.ToLower(code))
	id, secret, ok := strings.Cut(code, "-")
	if !ok || id == "" || len(id) > 32 {
		return nil, nil, ErrInvalidCode
	}
	rc, err := s.recoveryCodeByID(ctx, id)
	if err != nil && !isNotFound(err) {
		return nil, nil, fmt.Errorf("auth: recovery code: %w", err)
	}
	var current *accountKey
	if err == nil {
		if current, err = s.currentKey(ctx, a.ID); err != nil {
			return nil, nil, fmt.Errorf("auth: recovery code: %w", err)
		}
	}
	if rc == nil || rc.AccountID != a.ID || rc.UsedAt != nil || !accept(rc, current) {
		s.hasher.Dummy(ctx)
		return nil, nil, ErrInvalidCode
	}
	kek, err := s.hasher.Verify(ctx, keys.NormalizeRecoverySecret(secret), recoveryOwner(id), rc.Record)
	if err != nil {
		return nil, nil, ErrInvalidCode
	}
	priv, err := keys.OpenPrivateKey(kek, rc.SealedKey, recoveryBinding(a, id))
	if err != nil {
		return nil, nil, fmt.Errorf("auth: recovery code seal: %w", err)
	}
	return priv, rc, nil
}
