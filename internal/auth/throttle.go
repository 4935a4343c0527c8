package auth

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/uptrace/bun"

	"github.com/securemailbox/securemailbox/internal/db"
)

// Throttling of failed attempts (SECURITY.md "Failed attempts"): per account and per IP, in
// the database so it holds across instances. The first few failures are free; then each
// failure doubles the wait, capped; after LockAfter consecutive failures the key is locked
// until a successful password reset (accounts) or a day passes (IPs). Success resets the
// account's counter; rotating IPs do not, because the account key does not include the IP.
type throttlePolicy struct {
	Free      int           // failures without delay
	Base      time.Duration // first delay
	Max       time.Duration // delay cap
	LockAfter int           // consecutive failures that lock
	LockFor   time.Duration
}

var (
	accountThrottle = throttlePolicy{Free: 4, Base: 2 * time.Second, Max: 15 * time.Minute, LockAfter: 100, LockFor: 100 * 365 * 24 * time.Hour}
	ipThrottle      = throttlePolicy{Free: 20, Base: time.Second, Max: 15 * time.Minute, LockAfter: 100, LockFor: 24 * time.Hour}
	codeThrottle    = throttlePolicy{Free: 3, Base: 5 * time.Second, Max: 15 * time.Minute, LockAfter: 10, LockFor: time.Hour}
)

func (p throttlePolicy) delay(failures int) time.Duration {
	if failures >= p.LockAfter {
		return p.LockFor
	}
	if failures <= p.Free {
		return 0
	}
	d := time.Duration(float64(p.Base) * math.Pow(2, float64(failures-p.Free-1)))
	if d > p.Max || d <= 0 {
		d = p.Max
	}
	return d
}

// throttleCheck returns how long the caller must wait before another attempt on key.
func (s *Service) throttleCheck(ctx context.Context, key string) (time.Duration, bool, error) {
	var t throttle
	err := db.Conn(ctx, s.db).NewSelect().Model(&t).Where("key = ?", key).Scan(ctx)
	if err != nil {
		if err := db.Classify(err); isNotFound(err) {
			return 0, false, nil
		}
		return 0, false, fmt.Errorf("auth: throttle check: %w", err)
	}
	now := s.now()
	if t.BlockedUntil.After(now) {
		// Only the account lock outlasts a day; every other block is a wait.
		wait := t.BlockedUntil.Sub(now)
		return wait, wait > 24*time.Hour, nil
	}
	return 0, false, nil
}

// throttleFail records a failure on key and returns the failure count. The count is
// incremented in the database (an upsert that locks the row), so concurrent failures are
// all counted, on SQLite and PostgreSQL alike.
func (s *Service) throttleFail(ctx context.Context, key string, p throttlePolicy) (int, error) {
	now := s.now()
	var failures int
	err := db.Tx(ctx, s.db, func(ctx context.Context) error {
		conn := db.Conn(ctx, s.db)
		t := throttle{Key: key, Failures: 1, LastFailureAt: now, BlockedUntil: now}
		err := conn.NewInsert().Model(&t).
			On("CONFLICT (key) DO UPDATE").
			Set("failures = throttle.failures + 1").
			Set("last_failure_at = EXCLUDED.last_failure_at").
			Returning("failures").
			Scan(ctx, &failures)
		if err != nil {
			return err
		}
		_, err = conn.NewUpdate().Model((*throttle)(nil)).Set("blocked_until = ?", now.Add(p.delay(failures))).
			Where("key = ?", key).Exec(ctx)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("auth: throttle fail: %w", err)
	}
	return failures, nil
}

// throttleReset clears key after a success.
func (s *Service) throttleReset(ctx context.Context, keys ...string) error {
	for _, k := range keys {
		if _, err := db.Conn(ctx, s.db).NewDelete().Model((*throttle)(nil)).Where("key = ?", k).Exec(ctx); err != nil {
			return fmt.Errorf("auth: throttle reset: %w", err)
		}
	}
	return nil
}

// forUpdate adds SELECT … FOR UPDATE on PostgreSQL; SQLite's immediate transactions already
// hold the write lock.
func forUpdate(q *bun.SelectQuery) *bun.SelectQuery {
	if db.DialectName(q.DB()) == db.Postgres {
		return q.For("UPDATE")
	}
	return q
}
