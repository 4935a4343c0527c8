package auth

import (
	"context"
	"fmt"

	"github.com/securemailbox/securemailbox/internal/db"
	"github.com/securemailbox/securemailbox/internal/keys"
)

// A reset without a recovery code gives the account a new key pair; the old one stays in
// the keyring, locked (DESIGN.md §4). A recovery code of the old key pair, found later,
// opens it: RecoverOldKey wraps the old private key to the current key pair, so whatever
// was encrypted to the old key becomes readable again through the current one.

func keyringInfo(a *Account, oldKeyID string) keys.WrapInfo {
	return keys.WrapInfo{Purpose: keys.WrapKeyring, Tenant: a.PersonalTenantID, ObjectKind: "account_key", ObjectID: oldKeyID, RecipientKind: "account", RecipientID: a.ID}
}

// RecoverOldKey opens an old key pair of the session's account with one of its recovery
// codes (used up by this) and keeps it wrapped to the current key pair. It returns the old
// key's id. A code of the current key pair, or a wrong one, is ErrInvalidCode.
func (s *Service) RecoverOldKey(ctx context.Context, sess *Session, code string, c Client) (string, error) {
	a := sess.Account
	tkey := "code:recover-key:" + a.ID
	if err := s.checkThrottles(ctx, tkey); err != nil {
		return "", err
	}
	old, rc, err := s.openCode(ctx, a, code, func(rc *recoveryCode, current *accountKey) bool { return rc.KeyID != current.ID })
	if err != nil {
		if _, ferr := s.throttleFail(ctx, tkey, codeThrottle); ferr != nil {
			return "", ferr
		}
		return "", err
	}
	row, err := s.accountKeyByID(ctx, a.ID, rc.KeyID)
	if err != nil {
		return "", fmt.Errorf("auth: recover key: %w", err)
	}
	pub, err := keys.ParsePublicKey(row.PublicKey)
	if err != nil || s.master.VerifyPublicKey(pub, keyBinding(a), row.PublicKeyMAC) != nil || !pub.Equal(old.Public()) {
		return "", fmt.Errorf("auth: recover key %s: the stored key does not match its code", rc.KeyID)
	}
	current, err := s.PublicKey(ctx, a)
	if err != nil {
		return "", err
	}
	wrapped, err := keys.WrapPrivateKey(current, old, keyringInfo(a, old.ID()))
	if err != nil {
		return "", fmt.Errorf("auth: recover key: %w", err)
	}
	err = db.Tx(ctx, s.db, func(ctx context.Context) error {
		if won, err := s.useRecoveryCode(ctx, rc.ID); err != nil || !won {
			if err != nil {
				return err
			}
			return ErrInvalidCode
		}
		if err := s.setKeyWrap(ctx, a.ID, old.ID(), wrapped); err != nil {
			return err
		}
		if err := s.throttleReset(ctx, tkey); err != nil {
			return err
		}
		return s.record(ctx, a, "auth.keys.recover", "success", c, map[string]string{"public_key_id": old.ID()})
	})
	if err != nil {
		return "", err
	}
	s.notifyMail(ctx, a, "recovery_code_used", nil)
	return old.ID(), nil
}

// OldKeys returns the account's recovered older private keys, for reading what was
// encrypted to them. A key recovered before a later reset is wrapped to a key that is old
// itself; it opens once that key is recovered too, so the keyring is walked as a chain.
func (s *Service) OldKeys(ctx context.Context, sess *Session) ([]*keys.PrivateKey, error) {
	priv, err := s.PrivateKey(sess)
	if err != nil {
		return nil, err
	}
	rows, err := s.wrappedKeys(ctx, sess.Account.ID)
	if err != nil {
		return nil, fmt.Errorf("auth: old keys: %w", err)
	}
	have := []*keys.PrivateKey{priv}
	var out []*keys.PrivateKey
	for progress := true; progress && len(rows) > 0; {
		progress = false
		rest := rows[:0]
		for _, r := range rows {
			var k *keys.PrivateKey
			for _, h := range have {
				if k, err = keys.UnwrapPrivateKey(h, r.Wrapped, keyringInfo(sess.Account, r.ID)); err == nil {
					break
				}
			}
			if k == nil {
				rest = append(rest, r)
				continue
			}
			have, out, progress = append(have, k), append(out, k), true
		}
		rows = rest
	}
	return out, nil
}

// LockedKeys counts the account's older key pairs that no recovery code has opened yet.
func (s *Service) LockedKeys(ctx context.Context, sess *Session) (int, error) {
	n, err := s.countLockedKeys(ctx, sess.Account.ID)
	if err != nil {
		return 0, fmt.Errorf("auth: locked keys: %w", err)
	}
	return n, nil
}
