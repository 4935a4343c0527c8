package testkit

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/securemailbox/securemailbox/internal/db"
)

// InsertAccount adds a bare account row (no keys, no password) with its personal tenant
// and owner membership, for tests of packages above auth that only need ids to exist.
// It returns the account id and the personal tenant id.
func InsertAccount(t testing.TB, bdb *bun.DB) (accountID, tenantID string) {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	accountID, tenantID = db.NewID(), db.NewID()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{"INSERT INTO tenants (id, name, kind, region, plan, created_at) VALUES (?, 'Test', 'personal', 'se', 'free', ?)", []any{tenantID, now}},
		{"INSERT INTO accounts (id, email, name, mobile, locale, password_record, personal_tenant_id, created_at, updated_at) VALUES (?, ?, 'Test', '+46700000000', 'en', 'none', ?, ?, ?)",
			[]any{accountID, accountID + "@example.com", tenantID, now, now}},
		{"INSERT INTO memberships (tenant_id, account_id, role, suspended, created_at) VALUES (?, ?, 'owner', FALSE, ?)", []any{tenantID, accountID, now}},
	} {
		if _, err := bdb.ExecContext(ctx, q.sql, q.args...); err != nil {
			t.Fatalf("testkit: insert account: %v", err)
		}
	}
	return accountID, tenantID
}

// InsertOrganization adds an organization tenant in region and returns its id.
func InsertOrganization(t testing.TB, bdb *bun.DB, region string) string {
	t.Helper()
	id := db.NewID()
	if _, err := bdb.ExecContext(context.Background(),
		"INSERT INTO tenants (id, name, kind, region, plan, created_at) VALUES (?, 'Org', 'organization', ?, 'business', ?)",
		id, region, time.Now().UTC()); err != nil {
		t.Fatalf("testkit: insert organization: %v", err)
	}
	return id
}
