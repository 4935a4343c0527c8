package blob

import (
	"context"
	"errors"
	"time"
)

// Object states in the catalog.
const (
	stateWriting   = "writing"   // copies are being written; invisible to Get
	stateCommitted = "committed" // acknowledged; readable
	stateDeleting  = "deleting"  // deleted; copies are being erased; invisible to Get
)

// Copy states in the catalog. A site that does not answer leaves the recorded state as it
// was: only a site that answers can prove a copy good or bad.
const (
	copyOK      = "ok"
	copyMissing = "missing"
	copyCorrupt = "corrupt"
)

// Move states.
const (
	moveRunning = "running"
	moveDone    = "done"
)

// errStale means the catalog row changed under an operation (deleted, moved, collected);
// the operation undoes its side effects and stops.
var errStale = errors.New("blob: catalog row changed")

// objectRow is one object of the catalog.
type objectRow struct {
	ID        string
	Tenant    string
	Region    string
	State     string
	Size      int64
	SHA256    []byte // of the whole object
	ChunkSize int64
	Chunks    []byte // SHA-256 of each ChunkSize piece, concatenated
	Degraded  bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// copyRow is the recorded state of one object's copy on one site.
type copyRow struct {
	ObjectID  string
	Site      string // site id, "region/name"
	State     string
	CheckedAt time.Time
}

// deletionRow is a copy that still has to be erased. It outlives the object row, so it
// carries the key itself.
type deletionRow struct {
	ObjectID  string
	Site      string
	Key       string
	Attempts  int
	LastError string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// moveRow is the state of one tenant's residency move.
type moveRow struct {
	Tenant     string
	ToRegion   string
	State      string
	Total      int64
	Moved      int64
	StartedAt  time.Time
	UpdatedAt  time.Time
	FinishedAt *time.Time
}

// objectState is what orphan collection needs to know about an id.
type objectState struct {
	State  string
	Region string
}

// catalog is the database side of the store. Its only implementation is bunCatalog; the
// interface keeps bun out of every file but store_bun.go.
type catalog interface {
	// insertWriting records a write that has begun.
	insertWriting(ctx context.Context, o objectRow) error
	// commitWriting turns a writing row into a committed one with its copies; errStale if
	// the row is no longer writing (orphan collection took it).
	commitWriting(ctx context.Context, o objectRow, copies []copyRow) error
	// deleteWriting removes a writing row whose write failed.
	deleteWriting(ctx context.Context, id string) error

	// object returns the row and its copies; tenant "" matches any tenant. ErrNotFound.
	object(ctx context.Context, id, tenant string) (objectRow, []copyRow, error)
	// setCopies records the copies of a committed object still in region; errStale otherwise.
	setCopies(ctx context.Context, id, region string, copies []copyRow, degraded bool, now time.Time) error
	// listCommitted pages through committed objects in id order.
	listCommitted(ctx context.Context, afterID string, limit int) ([]objectRow, error)

	// markDeleting turns a committed (or already deleting) row of tenant ("" any) into a
	// deleting one and records the deletions; ErrNotFound.
	markDeleting(ctx context.Context, id, tenant string, dels []deletionRow, now time.Time) error
	// abandonWriting does the same for a writing row created before cutoff; errStale if it
	// is no longer such a row.
	abandonWriting(ctx context.Context, id string, cutoff time.Time, dels []deletionRow, now time.Time) error
	// deletion returns one pending deletion. ErrNotFound.
	deletion(ctx context.Context, id, site string) (deletionRow, error)
	// listDeletions pages through pending deletions in (object, site) order.
	listDeletions(ctx context.Context, afterID, afterSite string, limit int) ([]deletionRow, error)
	// deletionDone removes a finished deletion, and the object row once it was the last.
	deletionDone(ctx context.Context, id, site string) error
	// deletionFailed counts a failed attempt.
	deletionFailed(ctx context.Context, id, site, reason string, now time.Time) error

	// writingBefore lists writing rows created before cutoff.
	writingBefore(ctx context.Context, cutoff time.Time, limit int) ([]objectRow, error)
	// states returns the state and region of each id that has a row.
	states(ctx context.Context, ids []string) (map[string]objectState, error)
	// pendingOn returns the ids among ids with a pending deletion on site.
	pendingOn(ctx context.Context, site string, ids []string) (map[string]bool, error)

	// startMove records (or retargets) a tenant's move and returns it.
	startMove(ctx context.Context, tenant, toRegion string, now time.Time) (moveRow, error)
	// move returns a tenant's move. ErrNotFound.
	move(ctx context.Context, tenant string) (moveRow, error)
	// moveProgress stores counts; finishMove marks the move done.
	moveProgress(ctx context.Context, tenant string, moved, total int64, now time.Time) error
	finishMove(ctx context.Context, tenant string, now time.Time) error
	// tenantCounts returns the tenant's committed objects in all regions and in region.
	tenantCounts(ctx context.Context, tenant, region string) (total, in int64, err error)
	// listOutside pages through the tenant's committed objects not in region.
	listOutside(ctx context.Context, tenant, region, afterID string, limit int) ([]objectRow, error)
	// writingOutside counts the tenant's writes in progress outside region.
	writingOutside(ctx context.Context, tenant, region string) (int, error)
	// switchRegion moves a committed object from one region to another: new copies,
	// deletions of the old ones. errStale if the row is no longer committed in from.
	switchRegion(ctx context.Context, id, from, to string, copies []copyRow, degraded bool, dels []deletionRow, now time.Time) error
}
