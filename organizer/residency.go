package organizer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/securemailbox/securemailbox/internal/audit"
	"github.com/securemailbox/securemailbox/internal/auth"
	"github.com/securemailbox/securemailbox/internal/blob"
	"github.com/securemailbox/securemailbox/internal/db"
	"github.com/securemailbox/securemailbox/internal/fault"
	"github.com/securemailbox/securemailbox/policy"
	"github.com/securemailbox/securemailbox/tenants"
)

// Errors of the residency use cases.
var (
	ErrUnknownRegion = fault.New(fault.Invalid, "invalid_request", "organizer.error.unknown_region")
	ErrSameRegion    = fault.New(fault.Conflict, "same_region", "organizer.error.same_region")
)

// Actor is who asks: an account, whether its session holds a fresh step-up, and from where.
type Actor struct {
	AccountID string
	SteppedUp bool
	IP        string
}

// operator is the actor of command-line actions.
const operator = "operator"

// Storage is what the residency use cases need of the blob store.
type Storage interface {
	HasRegion(id string) bool
	MoveTenant(ctx context.Context, tenant, toRegion string, progress func(done, total int)) error
	MoveStatus(ctx context.Context, tenant string) (blob.MoveInfo, error)
}

// Scheduler enqueues a job in the context's transaction (jobs.Client).
type Scheduler interface {
	Enqueue(ctx context.Context, args blob.JobArgs) error
}

// Recorder writes audit events in the context's transaction (audit.Store).
type Recorder interface {
	Record(ctx context.Context, e audit.Event) error
}

// Deps are the collaborators.
type Deps struct {
	DB        DB
	Tenants   *tenants.Service
	Policy    *policy.Authorizer
	Storage   Storage
	Scheduler Scheduler
	Audit     Recorder
	Now       func() time.Time
	Logger    *slog.Logger
}

// DB runs a function in a transaction carried by the context (db.Transactor).
type DB interface {
	Tx(ctx context.Context, fn func(ctx context.Context) error) error
}

// Service is the Organizer use cases.
type Service struct{ d Deps }

// New returns a Service.
func New(d Deps) *Service {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	return &Service{d: d}
}

// RequestResidencyMove moves tenantID to region for an owner or admin whose session has a
// fresh step-up: the tenant's region changes (new objects go there at once), the move job is
// enqueued and the request is audited, all in one transaction.
func (s *Service) RequestResidencyMove(ctx context.Context, a Actor, tenantID, region string) error {
	if err := s.d.Policy.Authorize(ctx, a.AccountID, tenantID, policy.Residency, policy.Move); err != nil {
		return err
	}
	if !a.SteppedUp {
		return auth.ErrStepUpRequired
	}
	return s.startMove(ctx, a.AccountID, a.IP, tenantID, region)
}

// OperatorResidencyMove is the same move started by the platform operator (command line).
func (s *Service) OperatorResidencyMove(ctx context.Context, tenantID, region string) error {
	return s.startMove(ctx, operator, "", tenantID, region)
}

func (s *Service) startMove(ctx context.Context, actor, ip, tenantID, region string) error {
	if !s.d.Storage.HasRegion(region) {
		return ErrUnknownRegion.With(map[string]any{"Region": region})
	}
	t, err := s.d.Tenants.Get(ctx, tenantID)
	if errors.Is(err, db.ErrNotFound) {
		return fault.ErrNotFound
	}
	if err != nil {
		return err
	}
	if t.Region == region {
		return ErrSameRegion
	}
	return s.d.DB.Tx(ctx, func(ctx context.Context) error {
		if err := s.d.Tenants.SetRegion(ctx, tenantID, region); err != nil {
			return err
		}
		if err := s.d.Scheduler.Enqueue(ctx, blob.MoveArgs{Tenant: tenantID, Region: region}); err != nil {
			return err
		}
		return s.d.Audit.Record(ctx, audit.Event{
			TenantID: tenantID, At: s.d.Now().UTC(), Actor: actor, Action: "tenant.residency.move_requested",
			ObjectKind: "tenant", ObjectID: tenantID, Result: audit.ResultSuccess, IP: ip,
			Detail: map[string]string{"from": t.Region, "to": region},
		})
	})
}

// RunResidencyMove is the work of the move job: copy, verify and switch every object of
// the tenant, then delete the old copies. It is safe to interrupt and to run again; the
// completion is audited.
func (s *Service) RunResidencyMove(ctx context.Context, tenantID, region string) error {
	start := s.d.Now()
	if err := s.d.Storage.MoveTenant(ctx, tenantID, region, nil); err != nil {
		s.d.Logger.Warn("organizer: residency move interrupted", "tenant", tenantID, "region", region, "err", err)
		return fmt.Errorf("organizer: residency move: %w", err)
	}
	st, err := s.d.Storage.MoveStatus(ctx, tenantID)
	if err != nil {
		return err
	}
	return s.d.Audit.Record(ctx, audit.Event{
		TenantID: tenantID, At: s.d.Now().UTC(), Actor: audit.ActorSystem, Action: "tenant.residency.moved",
		ObjectKind: "tenant", ObjectID: tenantID, Result: audit.ResultSuccess,
		Detail: map[string]string{"to": region, "objects": fmt.Sprint(st.Moved), "seconds": fmt.Sprint(int(s.d.Now().Sub(start).Seconds()))},
	})
}

// ResidencyStatus reports the progress of the tenant's latest move.
func (s *Service) ResidencyStatus(ctx context.Context, a Actor, tenantID string) (blob.MoveInfo, error) {
	if err := s.d.Policy.Authorize(ctx, a.AccountID, tenantID, policy.Residency, policy.Read); err != nil {
		return blob.MoveInfo{}, err
	}
	st, err := s.d.Storage.MoveStatus(ctx, tenantID)
	if errors.Is(err, blob.ErrNotFound) {
		return blob.MoveInfo{Tenant: tenantID}, nil
	}
	return st, err
}
