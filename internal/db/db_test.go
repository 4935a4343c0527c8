package db_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/securemailbox/securemailbox/internal/db"
	"github.com/securemailbox/securemailbox/internal/testkit"
	"github.com/securemailbox/securemailbox/migrations"
)

func TestDurabilitySettings(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, bdb *bun.DB) {
		settings, err := db.Durability(context.Background(), bdb)
		if err != nil {
			t.Fatal(err)
		}
		if len(settings) < 3 {
			t.Fatalf("settings %+v", settings)
		}
		for _, s := range settings {
			if !s.OK {
				t.Errorf("%s = %s is not durable", s.Name, s.Value)
			}
		}
	})
}

func TestClassifyAndTx(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		insert := func(ctx context.Context, id string) error {
			now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
			_, err := db.Conn(ctx, bdb).ExecContext(ctx,
				"INSERT INTO throttles (key, failures, last_failure_at, blocked_until) VALUES (?, ?, ?, ?)", id, 1, now, now)
			return db.Classify(err)
		}
		if err := insert(ctx, "k1"); err != nil {
			t.Fatal(err)
		}
		if err := insert(ctx, "k1"); !errors.Is(err, db.ErrConflict) {
			t.Fatalf("duplicate key: %v", err)
		}
		var n int
		err := db.Classify(bdb.NewSelect().Table("throttles").Column("failures").Where("key = ?", "nope").Scan(ctx, &n))
		if !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("missing row: %v", err)
		}
		// A failed transaction leaves nothing, nested calls included.
		boom := errors.New("boom")
		err = db.Tx(ctx, bdb, func(ctx context.Context) error {
			if err := insert(ctx, "k2"); err != nil {
				return err
			}
			return db.Tx(ctx, bdb, func(ctx context.Context) error {
				if err := insert(ctx, "k3"); err != nil {
					return err
				}
				return boom
			})
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		cnt, err := bdb.NewSelect().Table("throttles").Where("key IN (?)", bun.List([]string{"k2", "k3"})).Count(ctx)
		if err != nil || cnt != 0 {
			t.Fatalf("rolled-back rows visible: %d %v", cnt, err)
		}
	})
}

func TestMigrationsIdempotent(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		pending, err := migrations.Pending(ctx, bdb)
		if err != nil || len(pending) != 0 {
			t.Fatalf("pending after migrate: %v %v", pending, err)
		}
		applied, err := migrations.Up(ctx, bdb)
		if err != nil || len(applied) != 0 {
			t.Fatalf("second run applied %v, %v", applied, err)
		}
	})
}
