package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/securemailbox/securemailbox/internal/db"
	"github.com/securemailbox/securemailbox/internal/keys"
)

// Session is an authenticated request's view of its session. It holds the session secret
// in memory only, which is what unseals the account's private key.
type Session struct {
	ID          string
	Account     *Account
	StepUpUntil *time.Time
	ExpiresAt   time.Time
	row         *sessionRow
	secret      keys.Secret
}

// Issued is a new session token and when it stops working at the latest.
type Issued struct {
	Token       string
	ExpiresAt   time.Time
	StepUpUntil *time.Time
	MFARequired bool
}

// SessionInfo describes one of the account's sessions for the list of sessions.
type SessionInfo struct {
	ID         string
	UserAgent  string
	IP         string
	CreatedAt  time.Time
	LastSeenAt time.Time
	Current    bool
}

func sessionBinding(a *Account, sessionID string) keys.Binding {
	return keys.Binding{Purpose: "session", Tenant: a.PersonalTenantID, ObjectKind: "session", ObjectID: sessionID}
}

// issue stores a new session whose row holds only the hash of a fresh secret and the
// private key sealed under HKDF(secret, "sm/v1/session"). authAt is when the login began;
// the absolute timeout counts from it.
func (s *Service) issue(ctx context.Context, a *Account, priv *keys.PrivateKey, stage string, authAt time.Time, stepUp *time.Time, c Client) (Issued, error) {
	now := s.now()
	secret := keys.NewSecret()
	id := db.NewID()
	expires := authAt.Add(s.opts.SessionAbsolute)
	if stage == stageMFA {
		expires = now.Add(s.opts.MFAPendingFor)
	}
	ua := c.UserAgent
	if len(ua) > 200 {
		ua = ua[:200]
	}
	row := &sessionRow{
		ID: id, AccountID: a.ID, SecretHash: secret.Hash(), Stage: stage,
		KeyID:       priv.ID(),
		SealedKey:   keys.SealPrivateKey(secret.Derive("sm/v1/session"), priv, sessionBinding(a, id)),
		StepUpUntil: stepUp, UserAgent: ua, IP: c.IP,
		CreatedAt: now, AuthAt: authAt, LastSeenAt: now, ExpiresAt: expires,
	}
	if err := s.insert(ctx, row); err != nil {
		return Issued{}, fmt.Errorf("auth: issue session: %w", err)
	}
	return Issued{Token: secret.String(), ExpiresAt: expires, StepUpUntil: stepUp, MFARequired: stage == stageMFA}, nil
}

// load finds a live session of the given stage by its token.
func (s *Service) load(ctx context.Context, token, stage string) (*Session, error) {
	secret, err := keys.ParseSecret(token)
	if err != nil {
		return nil, ErrUnauthenticated
	}
	row, err := s.sessionByHash(ctx, secret.Hash())
	if isNotFound(err) {
		return nil, ErrUnauthenticated
	}
	if err != nil {
		return nil, fmt.Errorf("auth: session: %w", err)
	}
	now := s.now()
	if !now.Before(row.ExpiresAt) || (row.Stage == stageFull && now.Sub(row.LastSeenAt) >= s.opts.SessionIdle) {
		if _, err := s.deleteSession(ctx, row.ID); err != nil {
			return nil, err
		}
		return nil, ErrUnauthenticated
	}
	if row.Stage != stage {
		if row.Stage == stageMFA {
			return nil, ErrMFARequired
		}
		return nil, ErrUnauthenticated
	}
	a, err := s.accountByID(ctx, row.AccountID)
	if err != nil {
		return nil, fmt.Errorf("auth: session account: %w", err)
	}
	return &Session{ID: row.ID, Account: a, StepUpUntil: row.StepUpUntil, ExpiresAt: row.ExpiresAt, row: row, secret: secret}, nil
}

// Authenticate returns the full session a token names, or ErrUnauthenticated (ErrMFARequired
// for a token that still waits for its second factor). It extends the idle timeout.
func (s *Service) Authenticate(ctx context.Context, token string) (*Session, error) {
	sess, err := s.load(ctx, token, stageFull)
	if err != nil {
		return nil, err
	}
	// Write last_seen at most once a minute: every request is not worth a write.
	if now := s.now(); now.Sub(sess.row.LastSeenAt) > time.Minute {
		if err := s.touchSession(ctx, sess.ID, now); err != nil {
			return nil, fmt.Errorf("auth: touch session: %w", err)
		}
	}
	return sess, nil
}

// PrivateKey unseals the account's current private key with the session secret.
func (s *Service) PrivateKey(sess *Session) (*keys.PrivateKey, error) {
	priv, err := keys.OpenPrivateKey(sess.secret.Derive("sm/v1/session"), sess.row.SealedKey, sessionBinding(sess.Account, sess.ID))
	if err != nil {
		return nil, fmt.Errorf("auth: unseal session key: %w", err)
	}
	return priv, nil
}

// rotate replaces a session by a new one with a fresh secret (new stage, new step-up
// window); the old row is deleted in the same transaction, so the old token is dead.
func (s *Service) rotate(ctx context.Context, sess *Session, stage string, stepUp *time.Time, c Client) (Issued, error) {
	priv, err := s.PrivateKey(sess)
	if err != nil {
		return Issued{}, err
	}
	authAt := sess.row.AuthAt
	if sess.row.Stage == stageMFA && stage == stageFull {
		authAt = s.now() // the login completes now
	}
	var out Issued
	err = db.Tx(ctx, s.db, func(ctx context.Context) error {
		gone, err := s.deleteSession(ctx, sess.ID)
		if err != nil {
			return err
		}
		if !gone {
			return ErrUnauthenticated // rotated or ended concurrently
		}
		out, err = s.issue(ctx, sess.Account, priv, stage, authAt, stepUp, c)
		return err
	})
	return out, err
}

// Logout ends the session of token.
func (s *Service) Logout(ctx context.Context, token string) error {
	secret, err := keys.ParseSecret(token)
	if err != nil {
		return nil
	}
	row, err := s.sessionByHash(ctx, secret.Hash())
	if isNotFound(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("auth: logout: %w", err)
	}
	_, err = s.deleteSession(ctx, row.ID)
	return err
}

// Sessions lists the account's live sessions, the caller's marked current.
func (s *Service) Sessions(ctx context.Context, sess *Session) ([]SessionInfo, error) {
	rows, err := s.listSessions(ctx, sess.Account.ID)
	if err != nil {
		return nil, fmt.Errorf("auth: sessions: %w", err)
	}
	out := make([]SessionInfo, 0, len(rows))
	for _, r := range rows {
		out = append(out, SessionInfo{ID: r.ID, UserAgent: r.UserAgent, IP: r.IP, CreatedAt: r.CreatedAt, LastSeenAt: r.LastSeenAt, Current: r.ID == sess.ID})
	}
	return out, nil
}

// RevokeSession ends one of the account's own sessions. Another account's session id is
// not found.
func (s *Service) RevokeSession(ctx context.Context, sess *Session, id string, c Client) error {
	res, err := s.conn(ctx).NewDelete().Model((*sessionRow)(nil)).Where("id = ? AND account_id = ?", id, sess.Account.ID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("auth: revoke session: %w", db.Classify(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return s.record(ctx, sess.Account, "auth.session.revoke", "success", c, map[string]string{"session": id})
}

// StepUpValid reports whether the session is inside its step-up window: it may do
// sensitive actions now.
func (s *Service) StepUpValid(sess *Session) bool {
	return sess.StepUpUntil != nil && s.now().Before(*sess.StepUpUntil)
}

func (s *Service) requireStepUp(sess *Session) error {
	if !s.StepUpValid(sess) {
		return ErrStepUpRequired
	}
	return nil
}
