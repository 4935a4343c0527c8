package blob

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/uptrace/bun"
)

// Errors callers branch on.
var (
	// ErrNotFound: no readable object with this id for this tenant.
	ErrNotFound = errors.New("blob: object not found")
	// ErrCorrupt: every site answered and no copy matches the recorded size and SHA-256.
	ErrCorrupt = errors.New("blob: no copy of the object verifies")
	// ErrUnavailable: too few sites answered to write (fewer than WriteQuorum) or to find a
	// verifying copy.
	ErrUnavailable = errors.New("blob: too few storage sites available")
	// ErrUnknownRegion: the region is not configured.
	ErrUnknownRegion = errors.New("blob: unknown region")
)

// Scope says whose data it is and where it must live. It comes from the tenant.
type Scope struct {
	Tenant string
	Region string
}

// Ref names a stored object. Callers keep it with their own row. Get, Stat and Delete look
// the object up by ID in the catalog (its region may have changed since) and refuse a Ref
// whose Tenant is not the object's. Size and SHA256 are those of the stored bytes (for
// receipts); when set in a Ref handed back, they must match the catalog.
type Ref struct {
	ID     string
	Tenant string
	Size   int64
	SHA256 [32]byte
}

// Info describes a stored object.
type Info struct {
	Ref
	Region    string
	Degraded  bool // fewer than three copies known good; a repair is due
	CreatedAt time.Time
	Copies    []CopyInfo
}

// CopyInfo is the recorded state of one copy: "ok", "missing" or "corrupt".
type CopyInfo struct {
	Site      string
	State     string
	CheckedAt time.Time
}

// RegionInfo describes a configured region (for GET /api/v1/regions).
type RegionInfo struct {
	ID      string   `json:"id"`
	Name    string   `json:"name"`
	Sites   []string `json:"sites"`
	Default bool     `json:"default"`
}

// region is one configured region and its sites, in configuration order.
type region struct {
	id, name string
	sites    []site
}

// Store is the replicated blob store. It is safe for concurrent use.
type Store struct {
	cat     catalog
	q       Enqueuer
	log     *slog.Logger
	now     func() time.Time
	grace   time.Duration
	defRegn string
	regions map[string]*region
	order   []*region
	sites   map[string]site
	metrics *metrics
	bufs    sync.Pool // *[]byte of chunkSize
}

// Open validates opts, prepares every site (creating missing directories of dir sites) and
// returns the store. A site that is down at Open does not fail it: the store runs degraded
// and `doctor` (Check) says why. q may be nil, in which case repairs and retried deletions
// wait for the next Scrub.
func Open(ctx context.Context, bdb *bun.DB, opts Options, q Enqueuer) (*Store, error) {
	return open(ctx, newBunCatalog(bdb), opts, q, nil)
}

// open is Open with an optional wrapper around every site (fault injection in tests).
func open(_ context.Context, cat catalog, opts Options, q Enqueuer, wrap func(site) site) (*Store, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	opts = opts.withDefaults()
	if q == nil {
		q = noQueue{}
	}
	s := &Store{
		cat:     cat,
		q:       q,
		log:     opts.Logger,
		now:     func() time.Time { return opts.Now().UTC() },
		grace:   opts.OrphanGrace,
		defRegn: opts.DefaultRegion,
		regions: map[string]*region{},
		sites:   map[string]site{},
		metrics: newMetrics(opts.Registerer),
	}
	s.bufs.New = func() any { b := make([]byte, chunkSize); return &b }
	for _, ro := range opts.Regions {
		r := &region{id: ro.ID, name: ro.Name}
		for _, so := range ro.Sites {
			id := ro.ID + "/" + so.Name
			var st site
			switch so.Kind {
			case KindDir:
				ds, err := newDirSite(id, so.Dir)
				if err != nil {
					s.log.Warn("blob: site directory unavailable at open", "site", id, "err", err)
				}
				st = ds
			case KindS3:
				ss, err := newS3Site(id, so)
				if err != nil {
					return nil, err
				}
				st = ss
			}
			if wrap != nil {
				st = wrap(st)
			}
			r.sites = append(r.sites, st)
			s.sites[id] = st
		}
		s.regions[r.id] = r
		s.order = append(s.order, r)
	}
	return s, nil
}

// Close releases idle network connections. The store must not be used afterwards; it
// does not close the database.
func (s *Store) Close() error {
	for _, st := range s.sites {
		if c, ok := st.(interface{ closeIdle() }); ok {
			c.closeIdle()
		}
	}
	return nil
}

// Regions lists the configured regions in configuration order.
func (s *Store) Regions() []RegionInfo {
	out := make([]RegionInfo, 0, len(s.order))
	for _, r := range s.order {
		ri := RegionInfo{ID: r.id, Name: r.name, Default: r.id == s.defRegn}
		for _, st := range r.sites {
			ri.Sites = append(ri.Sites, st.ID())
		}
		out = append(out, ri)
	}
	return out
}

// HasRegion reports whether id is a configured region.
func (s *Store) HasRegion(id string) bool { _, ok := s.regions[id]; return ok }

// enqueue hands a job over; a failure is logged, because the catalog still records the
// work and Scrub picks it up.
func (s *Store) enqueue(ctx context.Context, args JobArgs) {
	if err := s.q.Enqueue(context.WithoutCancel(ctx), args); err != nil {
		s.log.Warn("blob: enqueue failed; scrub will retry", "kind", args.Kind(), "err", err)
	}
}

// finding records one problem with one copy: a metric and a log line.
func (s *Store) finding(source, objectID, siteID, problem string, err error) {
	s.metrics.findings.WithLabelValues(siteID, problem, source).Inc()
	attrs := []any{"source", source, "object", objectID, "site", siteID, "problem", problem}
	if err != nil {
		attrs = append(attrs, "err", err)
	}
	s.log.Warn("blob: copy problem", attrs...)
}

// lookup returns the committed object a Ref names.
func (s *Store) lookup(ctx context.Context, ref Ref) (objectRow, []copyRow, error) {
	if !validID(ref.ID) || !validTenant(ref.Tenant) {
		return objectRow{}, nil, ErrNotFound
	}
	o, copies, err := s.cat.object(ctx, ref.ID, ref.Tenant)
	if err != nil {
		return objectRow{}, nil, err
	}
	if o.State != stateCommitted {
		return objectRow{}, nil, fmt.Errorf("blob: object %s is %s: %w", o.ID, o.State, ErrNotFound)
	}
	if ref.Size != 0 && ref.Size != o.Size || ref.SHA256 != ([32]byte{}) && string(ref.SHA256[:]) != string(o.SHA256) {
		return objectRow{}, nil, fmt.Errorf("blob: object %s: reference does not match the catalog: %w", o.ID, ErrCorrupt)
	}
	return o, copies, nil
}

func refOf(o objectRow) Ref {
	r := Ref{ID: o.ID, Tenant: o.Tenant, Size: o.Size}
	copy(r.SHA256[:], o.SHA256)
	return r
}

// Stat returns what the catalog knows about an object; it touches no site.
func (s *Store) Stat(ctx context.Context, ref Ref) (Info, error) {
	o, copies, err := s.lookup(ctx, ref)
	if err != nil {
		return Info{}, err
	}
	info := Info{Ref: refOf(o), Region: o.Region, Degraded: o.Degraded, CreatedAt: o.CreatedAt}
	for _, c := range copies {
		info.Copies = append(info.Copies, CopyInfo{Site: c.Site, State: c.State, CheckedAt: c.CheckedAt})
	}
	return info, nil
}

// regionFor resolves where a tenant's new object goes: the scope's region, or the target
// of a residency move in progress (so nothing new lands in the region being left).
func (s *Store) regionFor(ctx context.Context, scope Scope) (*region, error) {
	if !validTenant(scope.Tenant) {
		return nil, fmt.Errorf("blob: tenant id %q is not valid", scope.Tenant)
	}
	r, ok := s.regions[scope.Region]
	if !ok {
		return nil, fmt.Errorf("blob: region %q: %w", scope.Region, ErrUnknownRegion)
	}
	mv, err := s.cat.move(ctx, scope.Tenant)
	switch {
	case errors.Is(err, ErrNotFound):
	case err != nil:
		return nil, err
	case mv.State == moveRunning && mv.ToRegion != r.id:
		if to, ok := s.regions[mv.ToRegion]; ok {
			return to, nil
		}
	}
	return r, nil
}
