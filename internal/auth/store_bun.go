package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/securemailbox/securemailbox/internal/db"
)

// The queries of this package. Every method runs on the context's transaction when there
// is one (db.Tx), so a use case composes them atomically.

func (s *Service) conn(ctx context.Context) bun.IDB { return db.Conn(ctx, s.db) }

func (s *Service) accountByEmail(ctx context.Context, email string) (*Account, error) {
	a := new(Account)
	if err := s.conn(ctx).NewSelect().Model(a).Where("email = ?", email).Scan(ctx); err != nil {
		return nil, db.Classify(err)
	}
	return a, nil
}

func (s *Service) accountByID(ctx context.Context, id string) (*Account, error) {
	a := new(Account)
	if err := s.conn(ctx).NewSelect().Model(a).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, db.Classify(err)
	}
	return a, nil
}

func (s *Service) insert(ctx context.Context, model any) error {
	_, err := s.conn(ctx).NewInsert().Model(model).Exec(ctx)
	return db.Classify(err)
}

// updateAccount writes the named columns of a (and updated_at).
func (s *Service) updateAccount(ctx context.Context, a *Account, columns ...string) error {
	a.UpdatedAt = s.now()
	_, err := s.conn(ctx).NewUpdate().Model(a).Column(append(columns, "updated_at")...).WherePK().Exec(ctx)
	return db.Classify(err)
}

func (s *Service) currentKey(ctx context.Context, accountID string) (*accountKey, error) {
	k := new(accountKey)
	err := s.conn(ctx).NewSelect().Model(k).Where("account_id = ? AND state = ?", accountID, keyCurrent).Scan(ctx)
	if err != nil {
		return nil, db.Classify(err)
	}
	return k, nil
}

func (s *Service) retireKeys(ctx context.Context, accountID string) error {
	_, err := s.conn(ctx).NewUpdate().Model((*accountKey)(nil)).Set("state = ?", keyOld).
		Where("account_id = ? AND state = ?", accountID, keyCurrent).Exec(ctx)
	return db.Classify(err)
}

func (s *Service) setKeySeal(ctx context.Context, accountID, keyID string, sealed []byte) error {
	_, err := s.conn(ctx).NewUpdate().Model((*accountKey)(nil)).Set("sealed_kek = ?", sealed).
		Where("id = ? AND account_id = ?", keyID, accountID).Exec(ctx)
	return db.Classify(err)
}

func (s *Service) accountKeyByID(ctx context.Context, accountID, keyID string) (*accountKey, error) {
	k := new(accountKey)
	if err := s.conn(ctx).NewSelect().Model(k).Where("id = ? AND account_id = ?", keyID, accountID).Scan(ctx); err != nil {
		return nil, db.Classify(err)
	}
	return k, nil
}

// setKeyWrap keeps an old key pair wrapped to the current one.
func (s *Service) setKeyWrap(ctx context.Context, accountID, keyID string, wrapped []byte) error {
	res, err := s.conn(ctx).NewUpdate().Model((*accountKey)(nil)).Set("wrapped = ?", wrapped).
		Where("id = ? AND account_id = ? AND state = ?", keyID, accountID, keyOld).Exec(ctx)
	if err != nil {
		return db.Classify(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return db.ErrNotFound
	}
	return nil
}

// countLockedKeys counts old keys not recovered yet.
func (s *Service) countLockedKeys(ctx context.Context, accountID string) (int, error) {
	n, err := s.conn(ctx).NewSelect().Model((*accountKey)(nil)).
		Where("account_id = ? AND state = ? AND wrapped IS NULL", accountID, keyOld).Count(ctx)
	return int(n), db.Classify(err)
}

// wrappedKeys lists the account's old keys that have been recovered.
func (s *Service) wrappedKeys(ctx context.Context, accountID string) ([]accountKey, error) {
	var rows []accountKey
	err := s.conn(ctx).NewSelect().Model(&rows).
		Where("account_id = ? AND state = ? AND wrapped IS NOT NULL", accountID, keyOld).OrderExpr("created_at").Scan(ctx)
	return rows, db.Classify(err)
}

func (s *Service) recoveryCodeByID(ctx context.Context, id string) (*recoveryCode, error) {
	rc := new(recoveryCode)
	if err := s.conn(ctx).NewSelect().Model(rc).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, db.Classify(err)
	}
	return rc, nil
}

// useRecoveryCode marks a code used; only one caller can win.
func (s *Service) useRecoveryCode(ctx context.Context, id string) (bool, error) {
	res, err := s.conn(ctx).NewUpdate().Model((*recoveryCode)(nil)).Set("used_at = ?", s.now()).
		Where("id = ? AND used_at IS NULL", id).Exec(ctx)
	if err != nil {
		return false, db.Classify(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

func (s *Service) deleteRecoveryCodes(ctx context.Context, accountID string) error {
	_, err := s.conn(ctx).NewDelete().Model((*recoveryCode)(nil)).Where("account_id = ?", accountID).Exec(ctx)
	return db.Classify(err)
}

func (s *Service) countRecoveryCodes(ctx context.Context, accountID, keyID string) (int, error) {
	n, err := s.conn(ctx).NewSelect().Model((*recoveryCode)(nil)).
		Where("account_id = ? AND key_id = ? AND used_at IS NULL", accountID, keyID).Count(ctx)
	return int(n), db.Classify(err)
}

func (s *Service) sessionByHash(ctx context.Context, hash []byte) (*sessionRow, error) {
	r := new(sessionRow)
	if err := s.conn(ctx).NewSelect().Model(r).Where("secret_hash = ?", hash).Scan(ctx); err != nil {
		return nil, db.Classify(err)
	}
	return r, nil
}

func (s *Service) deleteSession(ctx context.Context, id string) (bool, error) {
	res, err := s.conn(ctx).NewDelete().Model((*sessionRow)(nil)).Where("id = ?", id).Exec(ctx)
	if err != nil {
		return false, db.Classify(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

func (s *Service) deleteSessions(ctx context.Context, accountID, exceptID string) error {
	_, err := s.conn(ctx).NewDelete().Model((*sessionRow)(nil)).
		Where("account_id = ? AND id <> ?", accountID, exceptID).Exec(ctx)
	return db.Classify(err)
}

func (s *Service) listSessions(ctx context.Context, accountID string) ([]sessionRow, error) {
	var rows []sessionRow
	err := s.conn(ctx).NewSelect().Model(&rows).
		Where("account_id = ? AND stage = ? AND expires_at > ?", accountID, stageFull, s.now()).
		OrderExpr("last_seen_at DESC").Scan(ctx)
	return rows, db.Classify(err)
}

func (s *Service) touchSession(ctx context.Context, id string, at time.Time) error {
	_, err := s.conn(ctx).NewUpdate().Model((*sessionRow)(nil)).Set("last_seen_at = ?", at).Where("id = ?", id).Exec(ctx)
	return db.Classify(err)
}

func (s *Service) emailTokenByHash(ctx context.Context, purpose string, hash []byte) (*emailToken, error) {
	t := new(emailToken)
	err := s.conn(ctx).NewSelect().Model(t).
		Where("token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?", hash, purpose, s.now()).Scan(ctx)
	if err != nil {
		return nil, db.Classify(err)
	}
	return t, nil
}

// endEmailTokens marks every live token of the account with one of purposes used.
func (s *Service) endEmailTokens(ctx context.Context, accountID string, purposes ...string) error {
	_, err := s.conn(ctx).NewUpdate().Model((*emailToken)(nil)).Set("used_at = ?", s.now()).
		Where("account_id = ? AND used_at IS NULL AND purpose IN (?)", accountID, bun.List(purposes)).Exec(ctx)
	return db.Classify(err)
}

// countEmailTokens counts the tokens of purpose made for an account since `since`.
func (s *Service) countEmailTokens(ctx context.Context, accountID, purpose string, since time.Time) (int, error) {
	n, err := s.conn(ctx).NewSelect().Model((*emailToken)(nil)).
		Where("account_id = ? AND purpose = ? AND created_at > ?", accountID, purpose, since).Count(ctx)
	return int(n), db.Classify(err)
}

func (s *Service) useEmailToken(ctx context.Context, id string) (bool, error) {
	res, err := s.conn(ctx).NewUpdate().Model((*emailToken)(nil)).Set("used_at = ?", s.now()).
		Where("id = ? AND used_at IS NULL", id).Exec(ctx)
	if err != nil {
		return false, db.Classify(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// latestCode returns the newest live code of (purpose, object).
func (s *Service) latestCode(ctx context.Context, purpose, object string) (*smsCode, error) {
	c := new(smsCode)
	err := s.conn(ctx).NewSelect().Model(c).
		Where("purpose = ? AND object = ? AND used_at IS NULL AND expires_at > ?", purpose, object, s.now()).
		OrderExpr("created_at DESC, id DESC").Limit(1).Scan(ctx)
	if err != nil {
		return nil, db.Classify(err)
	}
	return c, nil
}

func (s *Service) useCode(ctx context.Context, id string) (bool, error) {
	res, err := s.conn(ctx).NewUpdate().Model((*smsCode)(nil)).Set("used_at = ?", s.now()).
		Where("id = ? AND used_at IS NULL", id).Exec(ctx)
	if err != nil {
		return false, db.Classify(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// codeTrail returns the number the newest code of (purpose, object) went to, and whether any
// code of it was used. It lets a sign-up whose address was taken (which stores no account)
// look exactly like a real one on the verify page.
func (s *Service) codeTrail(ctx context.Context, purpose, object string) (phone string, used bool, err error) {
	var codes []smsCode
	err = s.conn(ctx).NewSelect().Model(&codes).Where("purpose = ? AND object = ?", purpose, object).
		OrderExpr("created_at DESC, id DESC").Limit(20).Scan(ctx)
	if err != nil || len(codes) == 0 {
		return "", false, db.Classify(err)
	}
	for _, c := range codes {
		used = used || c.UsedAt != nil
	}
	return codes[0].Phone, used, nil
}

// lockAccount takes the account's row lock for the rest of the transaction (PostgreSQL;
// SQLite's write transactions are already serial), so count-then-insert limits hold.
func (s *Service) lockAccount(ctx context.Context, id string) error {
	var got string
	err := forUpdate(s.conn(ctx).NewSelect().Model((*Account)(nil)).Column("id").Where("id = ?", id)).Scan(ctx, &got)
	return db.Classify(err)
}

// countSends counts SMS sent since `since` where column = value.
func (s *Service) countSends(ctx context.Context, column, value string, since time.Time) (int, error) {
	q := s.conn(ctx).NewSelect().Model((*smsSend)(nil)).Where("sent_at > ?", since)
	if column != "" {
		q = q.Where("? = ?", bun.Ident(column), value)
	}
	n, err := q.Count(ctx)
	return int(n), db.Classify(err)
}

// advanceTOTPStep stores step as the last accepted TOTP step if it is newer; exactly one of
// two concurrent logins with the same code wins.
func (s *Service) advanceTOTPStep(ctx context.Context, accountID string, step int64) (bool, error) {
	res, err := s.conn(ctx).NewUpdate().Model((*Account)(nil)).Set("totp_last_step = ?", step).
		Where("id = ? AND totp_last_step < ?", accountID, step).Exec(ctx)
	if err != nil {
		return false, db.Classify(err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// Cleanup deletes expired sessions, tokens, codes, SMS velocity records older than two
// days and throttles idle for a day that are not locks. It runs as a periodic job.
func (s *Service) Cleanup(ctx context.Context) error {
	now := s.now()
	steps := []struct {
		model any
		where string
		args  []any
	}{
		{(*sessionRow)(nil), "expires_at < ? OR last_seen_at < ?", []any{now, now.Add(-s.opts.SessionIdle)}},
		{(*emailToken)(nil), "expires_at < ?", []any{now.Add(-24 * time.Hour)}},
		{(*smsCode)(nil), "expires_at < ?", []any{now.Add(-24 * time.Hour)}},
		{(*smsSend)(nil), "sent_at < ?", []any{now.Add(-48 * time.Hour)}},
		{(*throttle)(nil), "blocked_until < ? AND last_failure_at < ?", []any{now, now.Add(-24 * time.Hour)}},
	}
	for _, st := range steps {
		if _, err := s.db.NewDelete().Model(st.model).Where(st.where, st.args...).Exec(ctx); err != nil {
			return fmt.Errorf("auth: cleanup: %w", err)
		}
	}
	return nil
}
