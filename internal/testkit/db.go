package testkit

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"github.com/securemailbox/securemailbox/internal/db"
	"github.com/securemailbox/securemailbox/internal/keys"
	"github.com/securemailbox/securemailbox/migrations"
)

// PostgresEnv names the environment variable with a PostgreSQL URL for store tests.
const PostgresEnv = "TEST_DATABASE_URL"

// NewSQLite returns a migrated SQLite database in the test's temp dir, and its file path.
func NewSQLite(t testing.TB) (*bun.DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.db")
	bdb, err := db.Open(context.Background(), db.Options{URL: path})
	if err != nil {
		t.Fatalf("testkit: open sqlite: %v", err)
	}
	t.Cleanup(func() { _ = bdb.Close() })
	if _, err := migrations.Up(context.Background(), bdb); err != nil {
		t.Fatalf("testkit: migrate sqlite: %v", err)
	}
	return bdb, path
}

// NewPostgres returns a migrated PostgreSQL database in a fresh schema that is dropped when
// the test ends. It skips the test when TEST_DATABASE_URL is not set.
func NewPostgres(t testing.TB) *bun.DB {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skip("testkit: " + PostgresEnv + " not set")
	}
	ctx := context.Background()
	admin, err := db.Open(ctx, db.Options{URL: base, MaxOpenConns: 2})
	if err != nil {
		t.Fatalf("testkit: open postgres: %v", err)
	}
	schema := "t_" + strings.ToLower(strings.ReplaceAll(keys.NewSecret().String()[:16], "-", "_"))
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("testkit: create schema: %v", err)
	}
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	bdb, err := db.Open(ctx, db.Options{URL: base + sep + "search_path=" + schema, MaxOpenConns: 8})
	if err != nil {
		t.Fatalf("testkit: open postgres schema: %v", err)
	}
	t.Cleanup(func() {
		_ = bdb.Close()
		_, _ = admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		_ = admin.Close()
	})
	if _, err := migrations.Up(ctx, bdb); err != nil {
		t.Fatalf("testkit: migrate postgres: %v", err)
	}
	return bdb
}

// ForEachDB runs fn as a subtest on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL.
func ForEachDB(t *testing.T, fn func(t *testing.T, bdb *bun.DB)) {
	t.Helper()
	t.Run(db.SQLite, func(t *testing.T) {
		bdb, _ := NewSQLite(t)
		fn(t, bdb)
	})
	t.Run(db.Postgres, func(t *testing.T) {
		fn(t, NewPostgres(t))
	})
}

// Name returns a unique name for fixtures, e.g. e-mail local parts.
func Name(prefix string) string {
	return fmt.Sprintf("%s-%s", prefix, strings.ToLower(keys.NewSecret().String()[:10]))
}
