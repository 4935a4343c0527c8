package tenants

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/securemailbox/securemailbox/internal/db"
)

type tenantRow struct {
	bun.BaseModel `bun:"table:tenants"`
	ID            string    `bun:"id,pk"`
	Name          string    `bun:"name"`
	Kind          string    `bun:"kind"`
	Region        string    `bun:"region"`
	Plan          string    `bun:"plan"`
	CreatedAt     time.Time `bun:"created_at"`
}

type membershipRow struct {
	bun.BaseModel `bun:"table:memberships"`
	TenantID      string    `bun:"tenant_id,pk"`
	AccountID     string    `bun:"account_id,pk"`
	Role          string    `bun:"role"`
	Suspended     bool      `bun:"suspended"`
	CreatedAt     time.Time `bun:"created_at"`
}

// BunStore is the Store on bun.
type BunStore struct{ db *bun.DB }

// NewBunStore returns a Store on bdb.
func NewBunStore(bdb *bun.DB) *BunStore { return &BunStore{db: bdb} }

// Create inserts a tenant.
func (s *BunStore) Create(ctx context.Context, t Tenant) error {
	row := tenantRow{ID: t.ID, Name: t.Name, Kind: t.Kind, Region: t.Region, Plan: t.Plan, CreatedAt: t.CreatedAt}
	_, err := db.Conn(ctx, s.db).NewInsert().Model(&row).Exec(ctx)
	return db.Classify(err)
}

// AddMember inserts a membership.
func (s *BunStore) AddMember(ctx context.Context, m Membership, at time.Time) error {
	row := membershipRow{TenantID: m.TenantID, AccountID: m.AccountID, Role: m.Role, Suspended: m.Suspended, CreatedAt: at}
	_, err := db.Conn(ctx, s.db).NewInsert().Model(&row).Exec(ctx)
	return db.Classify(err)
}

// Get returns one tenant.
func (s *BunStore) Get(ctx context.Context, id string) (Tenant, error) {
	var row tenantRow
	if err := db.Conn(ctx, s.db).NewSelect().Model(&row).Where("id = ?", id).Scan(ctx); err != nil {
		return Tenant{}, db.Classify(err)
	}
	return Tenant{ID: row.ID, Name: row.Name, Kind: row.Kind, Region: row.Region, Plan: row.Plan, CreatedAt: row.CreatedAt}, nil
}

// Memberships lists an account's memberships with the tenants' names, oldest first.
func (s *BunStore) Memberships(ctx context.Context, accountID string) ([]Membership, error) {
	var rows []struct {
		TenantID  string `bun:"tenant_id"`
		Name      string `bun:"name"`
		Role      string `bun:"role"`
		Suspended bool   `bun:"suspended"`
	}
	err := db.Conn(ctx, s.db).NewSelect().
		TableExpr("memberships AS m").
		Join("JOIN tenants AS t ON t.id = m.tenant_id").
		ColumnExpr("m.tenant_id, t.name, m.role, m.suspended").
		Where("m.account_id = ?", accountID).
		OrderExpr("m.created_at ASC, m.tenant_id ASC").
		Scan(ctx, &rows)
	if err != nil {
		return nil, db.Classify(err)
	}
	out := make([]Membership, 0, len(rows))
	for _, r := range rows {
		out = append(out, Membership{TenantID: r.TenantID, TenantName: r.Name, AccountID: accountID, Role: r.Role, Suspended: r.Suspended})
	}
	return out, nil
}

// Membership returns one membership.
func (s *BunStore) Membership(ctx context.Context, tenantID, accountID string) (Membership, error) {
	var row membershipRow
	err := db.Conn(ctx, s.db).NewSelect().Model(&row).Where("tenant_id = ? AND account_id = ?", tenantID, accountID).Scan(ctx)
	if err != nil {
		return Membership{}, db.Classify(err)
	}
	return Membership{TenantID: row.TenantID, AccountID: row.AccountID, Role: row.Role, Suspended: row.Suspended}, nil
}

// SetRegion updates a tenant's region.
func (s *BunStore) SetRegion(ctx context.Context, tenantID, region string) error {
	res, err := db.Conn(ctx, s.db).NewUpdate().Model((*tenantRow)(nil)).Set("region = ?", region).Where("id = ?", tenantID).Exec(ctx)
	if err != nil {
		return db.Classify(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return db.ErrNotFound
	}
	return nil
}
