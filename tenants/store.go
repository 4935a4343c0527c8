package tenants

import (
	"context"
	"time"
)

// Store persists tenants and memberships. Not found is db.ErrNotFound.
type Store interface {
	Create(ctx context.Context, t Tenant) error
	AddMember(ctx context.Context, m Membership, at time.Time) error
	Get(ctx context.Context, id string) (Tenant, error)
	Memberships(ctx context.Context, accountID string) ([]Membership, error)
	Membership(ctx context.Context, tenantID, accountID string) (Membership, error)
	SetRegion(ctx context.Context, tenantID, region string) error
}
