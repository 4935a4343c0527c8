package tenants_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/securemailbox/securemailbox/internal/db"
	"github.com/securemailbox/securemailbox/internal/testkit"
	"github.com/securemailbox/securemailbox/tenants"
)

// insertAccount adds the minimal account row a membership needs.
func insertAccount(t *testing.T, bdb *bun.DB, id, tenantID string) {
	t.Helper()
	now := time.Now().UTC()
	_, err := bdb.ExecContext(context.Background(),
		"INSERT INTO accounts (id, email, name, mobile, locale, password_record, personal_tenant_id, created_at, updated_at) VALUES (?, ?, 'N', '+46700000000', 'en', 'x', ?, ?, ?)",
		id, id+"@example.com", tenantID, now, now)
	if err != nil {
		t.Fatal(err)
	}
}

func TestPersonalTenantsAreSeparate(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		svc := tenants.New(tenants.NewBunStore(bdb), tenants.Options{DefaultRegion: "se"})
		var ids [2]string
		var tids [2]string
		for i := range ids {
			ids[i] = db.NewID()
			tn := svc.NewPersonal("Person")
			tids[i] = tn.ID
			if err := svc.Create(ctx, tn); err != nil {
				t.Fatal(err)
			}
			insertAccount(t, bdb, ids[i], tids[i])
			if err := svc.AddOwner(ctx, tids[i], ids[i]); err != nil {
				t.Fatal(err)
			}
		}
		for i := range ids {
			ms, err := svc.Memberships(ctx, ids[i])
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) != 1 || ms[0].TenantID != tids[i] || ms[0].Role != tenants.RoleOwner {
				t.Errorf("account %d memberships %+v", i, ms)
			}
			tn, err := svc.Get(ctx, tids[i])
			if err != nil || tn.Plan != tenants.PlanFree || tn.Region != "se" || tn.Kind != tenants.KindPersonal {
				t.Errorf("tenant %+v %v", tn, err)
			}
		}
		if err := svc.AddOwner(ctx, tids[0], ids[0]); err == nil {
			t.Error("a duplicate membership was accepted")
		}
	})
}
