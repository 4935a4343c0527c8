package blob

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Delete makes the object unreadable at once and erases its copies: on directory sites
// each file is overwritten with random bytes, fsynced and unlinked (and its directory
// fsynced); on S3 the object is deleted. The catalog records one pending deletion per
// site first, so a site that is down gets its erasure later through a retried DeleteArgs
// job (and every Scrub). The catalog row goes when the last copy is erased. Delete
// returns nil once the deletion is recorded, even if some erasures are still pending;
// ErrNotFound when there is no such object for the tenant.
func (s *Store) Delete(ctx context.Context, ref Ref) error {
	if !validID(ref.ID) || !validTenant(ref.Tenant) {
		return ErrNotFound
	}
	o, _, err := s.cat.object(ctx, ref.ID, ref.Tenant)
	if err != nil {
		return fmt.Errorf("blob: delete: %w", err)
	}
	if o.State == stateWriting {
		return fmt.Errorf("blob: delete %s: still being written: %w", o.ID, ErrNotFound)
	}
	dels := s.deletionsFor(ctx, o)
	if err := s.cat.markDeleting(ctx, o.ID, ref.Tenant, dels, s.now()); err != nil {
		return fmt.Errorf("blob: delete: %w", err)
	}
	s.runDeletions(ctx, dels)
	return nil
}

// deletionsFor lists every site that may hold a copy: the object's region, and the target
// of a residency move of its tenant in progress (a copy may have landed there already).
func (s *Store) deletionsFor(ctx context.Context, o objectRow) []deletionRow {
	key := objectKey(o.Tenant, o.ID)
	regions := []string{o.Region}
	if mv, err := s.cat.move(ctx, o.Tenant); err == nil && mv.State == moveRunning && mv.ToRegion != o.Region {
		regions = append(regions, mv.ToRegion)
	}
	var dels []deletionRow
	for _, rid := range regions {
		if r, ok := s.regions[rid]; ok {
			for _, st := range r.sites {
				dels = append(dels, deletionRow{ObjectID: o.ID, Site: st.ID(), Key: key})
			}
		}
	}
	return dels
}

// runDeletions erases copies in parallel; a failure stays pending and gets a job.
func (s *Store) runDeletions(ctx context.Context, dels []deletionRow) int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for _, d := range dels {
		wg.Go(func() {
			if err := s.eraseCopy(ctx, d); err != nil {
				s.enqueue(ctx, DeleteArgs{ObjectID: d.ObjectID, Site: d.Site})
				return
			}
			mu.Lock()
			done++
			mu.Unlock()
		})
	}
	wg.Wait()
	return done
}

// eraseCopy performs one pending deletion and records the result.
func (s *Store) eraseCopy(ctx context.Context, d deletionRow) error {
	st, ok := s.sites[d.Site]
	if !ok {
		err := fmt.Errorf("blob: erase %s: site %s is not configured", d.ObjectID, d.Site)
		s.log.Error("blob: pending deletion on a site no longer configured", "object", d.ObjectID, "site", d.Site)
		return err
	}
	if err := st.Remove(ctx, d.Key); err != nil {
		s.metrics.deletions.WithLabelValues(d.Site).Inc()
		s.log.Warn("blob: erase deferred", "object", d.ObjectID, "site", d.Site, "err", err)
		if ferr := s.cat.deletionFailed(context.WithoutCancel(ctx), d.ObjectID, d.Site, err.Error(), s.now()); ferr != nil {
			s.log.Warn("blob: record failed erase", "object", d.ObjectID, "site", d.Site, "err", ferr)
		}
		return fmt.Errorf("blob: erase %s on %s: %w", d.ObjectID, d.Site, err)
	}
	if err := s.cat.deletionDone(ctx, d.ObjectID, d.Site); err != nil {
		return fmt.Errorf("blob: erase %s on %s: %w", d.ObjectID, d.Site, err)
	}
	return nil
}

// DeleteCopy performs one pending erasure (the DeleteArgs job). Nothing pending is success;
// a site still down is an error, so the job is retried.
func (s *Store) DeleteCopy(ctx context.Context, objectID, siteID string) error {
	d, err := s.cat.deletion(ctx, objectID, siteID)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("blob: delete copy: %w", err)
	}
	return s.eraseCopy(ctx, d)
}

// processDeletions retries every pending erasure; it returns how many completed and how
// many are still pending (their sites failed). Only a catalog error is an error.
func (s *Store) processDeletions(ctx context.Context) (done, pending int, err error) {
	afterID, afterSite := "", ""
	for {
		batch, err := s.cat.listDeletions(ctx, afterID, afterSite, scrubBatch)
		if err != nil {
			return done, pending, fmt.Errorf("blob: pending deletions: %w", err)
		}
		if len(batch) == 0 {
			return done, pending, nil
		}
		for _, d := range batch {
			afterID, afterSite = d.ObjectID, d.Site
			if err := ctx.Err(); err != nil {
				return done, pending, err
			}
			if err := s.eraseCopy(ctx, d); err != nil {
				pending++
				continue
			}
			done++
		}
	}
}
