package policy

import (
	"bufio"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"strings"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"

	"github.com/securemailbox/securemailbox/internal/db"
	"github.com/securemailbox/securemailbox/internal/fault"
	"github.com/securemailbox/securemailbox/tenants"
)

//go:embed model.conf
var modelText string

//go:embed policy.csv
var policyText string

// Object is what an action is on.
type Object string

// Action is what is done.
type Action string

// Objects and actions in use.
const (
	Tenant    Object = "tenant"
	Residency Object = "residency"

	Read Action = "read"
	Move Action = "move"
)

// Errors. ErrDenied is Forbidden; a non-member gets fault.ErrNotFound.
var (
	ErrDenied    = fault.New(fault.Forbidden, "forbidden", "error.forbidden")
	ErrSuspended = fault.New(fault.Forbidden, "account_suspended", "policy.error.suspended")
)

// Memberships is what the authorizer needs of tenants.
type Memberships interface {
	Membership(ctx context.Context, tenantID, accountID string) (tenants.Membership, error)
}

// Authorizer answers access questions. It is safe for concurrent use.
type Authorizer struct {
	members Memberships
	e       *casbin.Enforcer // read-only after New
}

// New loads the embedded model and role permissions.
func New(m Memberships) (*Authorizer, error) {
	md, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, fmt.Errorf("policy: model: %w", err)
	}
	e, err := casbin.NewEnforcer(md)
	if err != nil {
		return nil, fmt.Errorf("policy: enforcer: %w", err)
	}
	var rules [][]string
	sc := bufio.NewScanner(strings.NewReader(policyText))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, ",")
		for i := range f {
			f[i] = strings.TrimSpace(f[i])
		}
		if len(f) != 5 || f[0] != "p" {
			return nil, fmt.Errorf("policy: bad rule %q", line)
		}
		rules = append(rules, f[1:])
	}
	if _, err := e.AddPolicies(rules); err != nil {
		return nil, fmt.Errorf("policy: rules: %w", err)
	}
	return &Authorizer{members: m, e: e}, nil
}

// Authorize returns nil when accountID may do act on obj in tenantID.
func (a *Authorizer) Authorize(ctx context.Context, accountID, tenantID string, obj Object, act Action) error {
	m, err := a.members.Membership(ctx, tenantID, accountID)
	if errors.Is(err, db.ErrNotFound) {
		return fault.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("policy: membership: %w", err)
	}
	if m.Suspended {
		return ErrSuspended
	}
	// The role is the membership just read, never a cached copy: a role change or a
	// removal counts at once.
	ok, err := a.e.Enforce(m.Role, tenantID, string(obj), string(act))
	if err != nil {
		return fmt.Errorf("policy: enforce: %w", err)
	}
	if !ok {
		return ErrDenied
	}
	return nil
}
