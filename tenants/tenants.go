package tenants

import (
	"context"
	"fmt"
	"time"

	"github.com/securemailbox/securemailbox/internal/db"
	"github.com/securemailbox/securemailbox/internal/fault"
)

// Kinds of tenant.
const (
	KindPersonal     = "personal"
	KindOrganization = "organization"
)

// Roles a member can hold in a tenant.
const (
	RoleOwner   = "owner"
	RoleAdmin   = "admin"
	RoleFinance = "finance"
	RoleMember  = "member"
)

// PlanFree is the plan of every personal tenant at sign-up.
const PlanFree = "free"

// Tenant is an organization or a person's own space.
type Tenant struct {
	ID        string
	Name      string
	Kind      string
	Region    string
	Plan      string
	CreatedAt time.Time
}

// Membership says that an account belongs to a tenant with a role.
type Membership struct {
	TenantID   string
	TenantName string
	AccountID  string
	Role       string
	Suspended  bool
}

// Options configure the service.
type Options struct {
	DefaultRegion string
	Now           func() time.Time
}

// Service manages tenants and memberships.
type Service struct {
	store Store
	opts  Options
}

// New returns a Service.
func New(store Store, opts Options) *Service {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Service{store: store, opts: opts}
}

// NewPersonal builds (without storing) the personal tenant of a new account: plan Free,
// default region. Its id is known before the account exists, because what is sealed for
// the account is bound to it.
func (s *Service) NewPersonal(name string) Tenant {
	return Tenant{
		ID:        db.NewID(),
		Name:      name,
		Kind:      KindPersonal,
		Region:    s.opts.DefaultRegion,
		Plan:      PlanFree,
		CreatedAt: s.opts.Now().UTC(),
	}
}

// Create stores a tenant. The account row references its personal tenant, so sign-up
// creates the tenant, then the account, then calls AddOwner, all in one transaction
// (db.Tx), which this joins.
func (s *Service) Create(ctx context.Context, t Tenant) error {
	if err := s.store.Create(ctx, t); err != nil {
		return fmt.Errorf("tenants: create: %w", err)
	}
	return nil
}

// AddOwner makes accountID the owner of tenantID.
func (s *Service) AddOwner(ctx context.Context, tenantID, accountID string) error {
	return s.AddMember(ctx, tenantID, accountID, RoleOwner)
}

// ErrInvalidRole is returned for a role that is not one of the four.
var ErrInvalidRole = fault.New(fault.Invalid, "invalid_request", "tenants.error.invalid_role")

// AddMember makes accountID a member of tenantID with role.
func (s *Service) AddMember(ctx context.Context, tenantID, accountID, role string) error {
	switch role {
	case RoleOwner, RoleAdmin, RoleFinance, RoleMember:
	default:
		return ErrInvalidRole
	}
	m := Membership{TenantID: tenantID, AccountID: accountID, Role: role}
	if err := s.store.AddMember(ctx, m, s.opts.Now().UTC()); err != nil {
		return fmt.Errorf("tenants: add member: %w", err)
	}
	return nil
}

// Memberships lists the tenants an account belongs to.
func (s *Service) Memberships(ctx context.Context, accountID string) ([]Membership, error) {
	ms, err := s.store.Memberships(ctx, accountID)
	if err != nil {
		return nil, fmt.Errorf("tenants: memberships: %w", err)
	}
	return ms, nil
}

// Get returns a tenant by id.
func (s *Service) Get(ctx context.Context, id string) (Tenant, error) {
	t, err := s.store.Get(ctx, id)
	if err != nil {
		return Tenant{}, fmt.Errorf("tenants: get: %w", err)
	}
	return t, nil
}

// Membership returns accountID's membership of tenantID (db.ErrNotFound when none).
func (s *Service) Membership(ctx context.Context, tenantID, accountID string) (Membership, error) {
	m, err := s.store.Membership(ctx, tenantID, accountID)
	if err != nil {
		return Membership{}, fmt.Errorf("tenants: membership: %w", err)
	}
	return m, nil
}

// SetRegion records the region a tenant's data lives in (the residency move copies the data).
func (s *Service) SetRegion(ctx context.Context, tenantID, region string) error {
	if err := s.store.SetRegion(ctx, tenantID, region); err != nil {
		return fmt.Errorf("tenants: set region: %w", err)
	}
	return nil
}
