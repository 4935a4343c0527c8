package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"
)

// MoveInfo is the state of a tenant's residency move.
type MoveInfo struct {
	Tenant     string
	ToRegion   string
	Running    bool
	Total      int64 // committed objects of the tenant when last counted
	Moved      int64 // of which in ToRegion
	StartedAt  time.Time
	UpdatedAt  time.Time
	FinishedAt *time.Time
}

// MoveStatus returns the last move of a tenant. ErrNotFound when there was none.
func (s *Store) MoveStatus(ctx context.Context, tenant string) (MoveInfo, error) {
	m, err := s.cat.move(ctx, tenant)
	if err != nil {
		return MoveInfo{}, err
	}
	return MoveInfo{
		Tenant: m.Tenant, ToRegion: m.ToRegion, Running: m.State == moveRunning, Total: m.Total,
		Moved: m.Moved, StartedAt: m.StartedAt, UpdatedAt: m.UpdatedAt, FinishedAt: m.FinishedAt,
	}, nil
}

// moveBatch is how many objects a move reads from the catalog at a time.
const moveBatch = 50

// MoveTenant moves every object of a tenant to toRegion: per object it copies the bytes
// (verified chunk by chunk as they are read) to the new region's sites with the same
// quorum as Put, reads the new copies back in full, switches the catalog row and the
// copies in one transaction, and then erases the old copies like Delete does. From the
// first call on, Put sends the tenant's new objects to toRegion.
//
// It is idempotent and resumable: an interrupted run leaves every object either wholly in
// its old region (a rerun copies it again; stray new copies are overwritten, or collected
// as orphans) or switched with erasures pending. An object that cannot be moved now is
// skipped and named in the returned error; rerunning retries it. progress, when not nil,
// is called with (objects in toRegion, objects of the tenant) as the move advances. The
// move is finished, and recorded so, when no object of the tenant is outside toRegion.
func (s *Store) MoveTenant(ctx context.Context, tenant, toRegion string, progress func(done, total int)) error {
	if !validTenant(tenant) {
		return fmt.Errorf("blob: move: tenant id %q is not valid", tenant)
	}
	to, ok := s.regions[toRegion]
	if !ok {
		return fmt.Errorf("blob: move %s: region %q: %w", tenant, toRegion, ErrUnknownRegion)
	}
	if _, err := s.cat.startMove(ctx, tenant, toRegion, s.now()); err != nil {
		return fmt.Errorf("blob: move %s: %w", tenant, err)
	}
	total, done, err := s.cat.tenantCounts(ctx, tenant, toRegion)
	if err != nil {
		return fmt.Errorf("blob: move %s: %w", tenant, err)
	}
	report := func() {
		_ = s.cat.moveProgress(context.WithoutCancel(ctx), tenant, done, total, s.now())
		if progress != nil {
			progress(int(done), int(total))
		}
	}
	report()
	var failures []error
	after := ""
	for {
		rows, err := s.cat.listOutside(ctx, tenant, toRegion, after, moveBatch)
		if err != nil {
			return fmt.Errorf("blob: move %s: %w", tenant, err)
		}
		if len(rows) == 0 {
			break
		}
		for _, o := range rows {
			after = o.ID
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("blob: move %s: %w", tenant, err)
			}
			moved, err := s.moveObject(ctx, o, to)
			if err != nil {
				s.log.Warn("blob: move: object not moved", "tenant", tenant, "object", o.ID, "to", toRegion, "err", err)
				failures = append(failures, err)
				continue
			}
			if moved {
				done++
				report()
			}
		}
	}
	if len(failures) > 0 {
		return fmt.Errorf("blob: move %s to %s: %d objects not moved yet: %w", tenant, toRegion, len(failures), errors.Join(failures...))
	}
	// Writes that began before the move in the old region must finish (or be collected)
	// first, or they would commit where the tenant no longer lives.
	if n, err := s.cat.writingOutside(ctx, tenant, toRegion); err != nil {
		return fmt.Errorf("blob: move %s: %w", tenant, err)
	} else if n > 0 {
		return fmt.Errorf("blob: move %s: %d writes still in progress outside %s; rerun later: %w", tenant, n, toRegion, ErrUnavailable)
	}
	if _, in, err := s.cat.tenantCounts(ctx, tenant, toRegion); err == nil {
		done = in
	}
	if err := s.cat.finishMove(ctx, tenant, s.now()); err != nil {
		return fmt.Errorf("blob: move %s: %w", tenant, err)
	}
	total = done
	report()
	s.log.Info("blob: tenant moved", "tenant", tenant, "to", toRegion, "objects", done)
	return nil
}

// moveObject moves one object; false with a nil error means it was gone or already moved.
func (s *Store) moveObject(ctx context.Context, o objectRow, to *region) (bool, error) {
	from, ok := s.regions[o.Region]
	if !ok {
		return false, fmt.Errorf("blob: move %s: region %q not configured: %w", o.ID, o.Region, ErrUnavailable)
	}
	_, copies, err := s.cat.object(ctx, o.ID, "")
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	src, err := s.newVerifier(ctx, o, orderSites(from.sites, copies), "move")
	if err != nil {
		return false, err
	}
	key := objectKey(o.Tenant, o.ID)
	w, err := s.writeCopies(ctx, to.sites, key, src, WriteQuorum)
	_ = src.Close()
	if err != nil {
		return false, fmt.Errorf("blob: move %s: %w", o.ID, err)
	}
	if w.size != o.Size || !bytes.Equal(w.sum[:], o.SHA256) {
		w.abort()
		return false, fmt.Errorf("blob: move %s: copy differs: %w", o.ID, ErrCorrupt)
	}
	// Read every new copy back before the old ones may go.
	now := s.now()
	newCopies := make([]copyRow, len(to.sites))
	good, degraded := 0, false
	for i, st := range to.sites {
		newCopies[i] = copyRow{ObjectID: o.ID, Site: st.ID(), State: copyMissing, CheckedAt: now}
		if w.errs[i] != nil {
			degraded = true
			continue
		}
		c := s.verifyCopy(ctx, st, o)
		if c.state != copyOK {
			s.finding("move", o.ID, st.ID(), c.problem, c.err)
			degraded = true
			continue
		}
		newCopies[i].State = copyOK
		good++
	}
	if good < WriteQuorum {
		w.abort()
		return false, fmt.Errorf("blob: move %s: %d copies verified in %s, %d needed: %w", o.ID, good, to.id, WriteQuorum, ErrUnavailable)
	}
	var dels []deletionRow
	for _, st := range from.sites {
		dels = append(dels, deletionRow{ObjectID: o.ID, Site: st.ID(), Key: key})
	}
	if err := s.cat.switchRegion(ctx, o.ID, from.id, to.id, newCopies, degraded, dels, s.now()); err != nil {
		if errors.Is(err, errStale) {
			w.abort() // deleted (or moved) meanwhile: the new copies must not outlive it
			return false, nil
		}
		// The outcome is unknown: the new copies stay. If the switch did not happen they
		// are orphans (a rerun overwrites them, or orphan collection erases them).
		return false, err
	}
	s.runDeletions(ctx, dels)
	if degraded {
		s.enqueue(ctx, RepairArgs{ObjectID: o.ID})
	}
	return true, nil
}
