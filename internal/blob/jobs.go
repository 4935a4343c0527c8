package blob

import (
	"context"
	"time"
)

// JobArgs is what a background job carries. It is an alias of the same shape the jobs
// package declares, so a River-backed enqueuer satisfies Enqueuer without either package
// importing the other.
type JobArgs = interface{ Kind() string }

// Enqueuer hands background work to the job system. Every job the store enqueues carries
// ids only and is idempotent; a lost job is not lost work, because Scrub retries every
// degraded object and every pending deletion it finds in the catalog.
type Enqueuer interface {
	Enqueue(ctx context.Context, args JobArgs) error
}

// Job kinds.
const (
	KindRepair  = "blob.repair"
	KindDelete  = "blob.delete"
	KindScrub   = "blob.scrub"
	KindOrphans = "blob.orphans"
	KindMove    = "blob.move"
)

// RepairArgs asks for Store.Repair(ObjectID).
type RepairArgs struct {
	ObjectID string `json:"object_id"`
}

// Kind implements JobArgs.
func (RepairArgs) Kind() string { return KindRepair }

// DeleteArgs asks for Store.DeleteCopy(ObjectID, Site): a copy that could not be erased
// when the object was deleted because its site was down. Site is "region/name".
type DeleteArgs struct {
	ObjectID string `json:"object_id"`
	Site     string `json:"site"`
}

// Kind implements JobArgs.
func (DeleteArgs) Kind() string { return KindDelete }

// ScrubArgs asks for Store.Scrub.
type ScrubArgs struct{}

// Kind implements JobArgs.
func (ScrubArgs) Kind() string { return KindScrub }

// OrphanArgs asks for Store.CollectOrphans.
type OrphanArgs struct{}

// Kind implements JobArgs.
func (OrphanArgs) Kind() string { return KindOrphans }

// MoveArgs asks for Store.MoveTenant(Tenant, Region, …).
type MoveArgs struct {
	Tenant string `json:"tenant"`
	Region string `json:"region"`
}

// Kind implements JobArgs.
func (MoveArgs) Kind() string { return KindMove }

// Timeouts and uniqueness the job system honours (jobs.Timeouter, jobs.Uniquer): a repair
// or a move is requested by many readers but needs running once; walks over every object
// need far longer than a request.
func (RepairArgs) Unique() bool           { return true }
func (RepairArgs) Timeout() time.Duration { return time.Hour }
func (DeleteArgs) Unique() bool           { return true }
func (DeleteArgs) Timeout() time.Duration { return 10 * time.Minute }
func (ScrubArgs) Timeout() time.Duration  { return 12 * time.Hour }
func (OrphanArgs) Timeout() time.Duration { return time.Hour }
func (MoveArgs) Unique() bool             { return true }
func (MoveArgs) Timeout() time.Duration   { return 48 * time.Hour }

// noQueue is used when Open is given no Enqueuer: work waits for the next Scrub.
type noQueue struct{}

func (noQueue) Enqueue(context.Context, JobArgs) error { return nil }
