package auth

import (
	"context"
	"fmt"

	"github.com/securemailbox/securemailbox/internal/db"
	"github.com/securemailbox/securemailbox/internal/keys"
)

// ResealMaster re-seals every value this package keeps under the server master key (TOTP
// secrets and public-key MACs) with the keyring's current key, after a rotation. Each
// value is opened (or its MAC verified) before it is re-sealed, so a tampered value stops
// the run instead of being blessed. It returns how many values changed. Keyed hashes of
// SMS codes are not re-made: they expire within minutes and verify under any key still in
// the ring, so retire the previous key only after that (e-mail tokens use no master key).
func (s *Service) ResealMaster(ctx context.Context) (int, error) {
	changed := 0
	var accounts []Account
	if err := s.db.NewSelect().Model(&accounts).Where("totp_secret_sealed IS NOT NULL OR totp_pending_sealed IS NOT NULL").Scan(ctx); err != nil {
		return 0, fmt.Errorf("auth: reseal: %w", err)
	}
	for i := range accounts {
		a := &accounts[i]
		var cols []string
		for _, f := range []struct {
			val  *[]byte
			kind string
			col  string
		}{{&a.TOTPSecretSealed, "totp", "totp_secret_sealed"}, {&a.TOTPPendingSealed, "totp-pending", "totp_pending_sealed"}} {
			if len(*f.val) == 0 {
				continue
			}
			out, did, err := s.master.Reseal(keys.PurposeTOTP, *f.val, totpBinding(a, f.kind))
			if err != nil {
				return changed, fmt.Errorf("auth: reseal %s of %s: %w", f.col, a.ID, err)
			}
			if did {
				*f.val = out
				cols = append(cols, f.col)
			}
		}
		if len(cols) > 0 {
			if err := s.updateAccount(ctx, a, cols...); err != nil {
				return changed, fmt.Errorf("auth: reseal: %w", err)
			}
			changed += len(cols)
		}
	}
	var ks []accountKey
	if err := s.db.NewSelect().Model(&ks).Scan(ctx); err != nil {
		return changed, fmt.Errorf("auth: reseal keys: %w", err)
	}
	for i := range ks {
		k := &ks[i]
		if !s.master.NeedsRotation(k.PublicKeyMAC) {
			continue
		}
		a, err := s.accountByID(ctx, k.AccountID)
		if err != nil {
			return changed, fmt.Errorf("auth: reseal keys: %w", err)
		}
		pub, err := keys.ParsePublicKey(k.PublicKey)
		if err != nil {
			return changed, fmt.Errorf("auth: reseal key %s: %w", k.ID, err)
		}
		if err := s.master.VerifyPublicKey(pub, keyBinding(a), k.PublicKeyMAC); err != nil {
			return changed, fmt.Errorf("auth: public key %s fails its MAC: %w", k.ID, err)
		}
		mac := s.master.AuthenticatePublicKey(pub, keyBinding(a))
		if _, err := s.db.NewUpdate().Model((*accountKey)(nil)).Set("public_key_mac = ?", mac).Where("id = ?", k.ID).Exec(ctx); err != nil {
			return changed, fmt.Errorf("auth: reseal key %s: %w", k.ID, db.Classify(err))
		}
		changed++
	}
	return changed, nil
}
