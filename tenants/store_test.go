package tenants_test

import (
	"context"
	"errors"
	"testing"

	"github.com/uptrace/bun"

	"github.com/securemailbox/securemailbox/internal/db"
	"github.com/securemailbox/securemailbox/internal/testkit"
	"github.com/securemailbox/securemailbox/tenants"
)

func TestTenantsAndMemberships(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		svc := tenants.New(tenants.NewBunStore(bdb), tenants.Options{DefaultRegion: "se"})
		a, ta := testkit.InsertAccount(t, bdb)
		b, tb := testkit.InsertAccount(t, bdb)

		tn := svc.NewPersonal("Created")
		if err := svc.Create(ctx, tn); err != nil {
			t.Fatal(err)
		}
		got, err := svc.Get(ctx, tn.ID)
		if err != nil || got.Plan != tenants.PlanFree || got.Region != "se" || got.Kind != tenants.KindPersonal {
			t.Errorf("tenant %+v %v", got, err)
		}
		org := testkit.InsertOrganization(t, bdb, "se")
		if err := svc.AddMember(ctx, org, a, tenants.RoleAdmin); err != nil {
			t.Fatal(err)
		}
		if err := svc.AddMember(ctx, org, b, "superuser"); !errors.Is(err, tenants.ErrInvalidRole) {
			t.Fatalf("invalid role: %v", err)
		}
		if err := svc.AddOwner(ctx, ta, a); err == nil {
			t.Error("a duplicate membership was accepted")
		}
		ms, err := svc.Memberships(ctx, a)
		if err != nil || len(ms) != 2 {
			t.Fatalf("memberships of A: %+v %v", ms, err)
		}
		// B sees only its own tenant; B is not a member of A's or the organization.
		ms, _ = svc.Memberships(ctx, b)
		if len(ms) != 1 || ms[0].TenantID != tb {
			t.Errorf("memberships of B: %+v", ms)
		}
		if _, err := svc.Membership(ctx, org, b); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("B in the organization: %v", err)
		}
		if m, err := svc.Membership(ctx, org, a); err != nil || m.Role != tenants.RoleAdmin {
			t.Errorf("A in the organization: %+v %v", m, err)
		}
		if err := svc.SetRegion(ctx, org, "de"); err != nil {
			t.Fatal(err)
		}
		if got, _ := svc.Get(ctx, org); got.Region != "de" {
			t.Errorf("region %q", got.Region)
		}
		if err := svc.SetRegion(ctx, "nope", "de"); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("unknown tenant: %v", err)
		}
	})
}
