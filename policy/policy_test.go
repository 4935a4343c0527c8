package policy_test

import (
	"context"
	"errors"
	"testing"

	"github.com/uptrace/bun"

	"github.com/securemailbox/securemailbox/internal/fault"
	"github.com/securemailbox/securemailbox/internal/testkit"
	"github.com/securemailbox/securemailbox/policy"
	"github.com/securemailbox/securemailbox/tenants"
)

func TestAuthorizeTwoTenants(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		ts := tenants.New(tenants.NewBunStore(bdb), tenants.Options{DefaultRegion: "se"})
		az, err := policy.New(ts)
		if err != nil {
			t.Fatal(err)
		}
		owner, personal := testkit.InsertAccount(t, bdb)
		member, _ := testkit.InsertAccount(t, bdb)
		finance, _ := testkit.InsertAccount(t, bdb)
		outsider, other := testkit.InsertAccount(t, bdb)
		org := testkit.InsertOrganization(t, bdb, "se")
		for acct, role := range map[string]string{owner: tenants.RoleOwner, member: tenants.RoleMember, finance: tenants.RoleFinance} {
			if err := ts.AddMember(ctx, org, acct, role); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range []struct {
			name    string
			account string
			tenant  string
			obj     policy.Object
			act     policy.Action
			want    error
		}{
			{"owner moves residency", owner, org, policy.Residency, policy.Move, nil},
			{"owner of personal tenant", owner, personal, policy.Residency, policy.Move, nil},
			{"member may not move", member, org, policy.Residency, policy.Move, policy.ErrDenied},
			{"finance may not move", finance, org, policy.Residency, policy.Move, policy.ErrDenied},
			{"member reads tenant", member, org, policy.Tenant, policy.Read, nil},
			{"outsider: not found", outsider, org, policy.Tenant, policy.Read, fault.ErrNotFound},
			{"other's personal tenant: not found", owner, other, policy.Residency, policy.Move, fault.ErrNotFound},
			{"unknown action denied", owner, org, policy.Residency, policy.Action("delete"), policy.ErrDenied},
		} {
			t.Run(tc.name, func(t *testing.T) {
				err := az.Authorize(ctx, tc.account, tc.tenant, tc.obj, tc.act)
				if (tc.want == nil) != (err == nil) || (tc.want != nil && !errors.Is(err, tc.want)) {
					t.Fatalf("Authorize = %v, want %v", err, tc.want)
				}
			})
		}
		// A suspension counts at the next check.
		if _, err := bdb.ExecContext(ctx, "UPDATE memberships SET suspended = TRUE WHERE tenant_id = ? AND account_id = ?", org, owner); err != nil {
			t.Fatal(err)
		}
		if err := az.Authorize(ctx, owner, org, policy.Tenant, policy.Read); !errors.Is(err, policy.ErrSuspended) {
			t.Fatalf("suspended owner: %v", err)
		}
	})
}
