package blob

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// orphanBatch is how many site entries are checked against the catalog at once.
const orphanBatch = 500

// CollectOrphans removes what a crash or a lost commit left behind, once it is older than
// OrphanGrace: writes whose catalog row is still "writing" (the row becomes a deletion of
// every copy), unfinished writes on sites (temporary files, incomplete multipart uploads),
// and objects on a site that no catalog row claims for that site's region. It returns how
// many things it removed or scheduled for erasure. A site that does not answer is skipped
// and named in the returned error (wrapping ErrUnavailable); the rest is still collected.
func (s *Store) CollectOrphans(ctx context.Context) (int, error) {
	cutoff := s.now().Add(-s.grace)
	n := 0
	for {
		rows, err := s.cat.writingBefore(ctx, cutoff, orphanBatch)
		if err != nil {
			return n, fmt.Errorf("blob: orphans: %w", err)
		}
		if len(rows) == 0 {
			break
		}
		for _, o := range rows {
			dels := s.deletionsFor(ctx, o)
			err := s.cat.abandonWriting(ctx, o.ID, cutoff, dels, s.now())
			if errors.Is(err, errStale) {
				continue
			}
			if err != nil {
				return n, fmt.Errorf("blob: orphans: %w", err)
			}
			s.log.Info("blob: abandoned write collected", "object", o.ID, "created", o.CreatedAt)
			s.runDeletions(ctx, dels)
			n++
		}
	}
	var errs []error
	for _, r := range s.order {
		for _, st := range r.sites {
			m, err := s.collectSite(ctx, r.id, st, cutoff)
			n += m
			if err != nil {
				if ctx.Err() != nil {
					return n, fmt.Errorf("blob: orphans: %w", ctx.Err())
				}
				errs = append(errs, fmt.Errorf("%s: %w", st.ID(), err))
			}
		}
	}
	if len(errs) > 0 {
		return n, fmt.Errorf("blob: orphans: %w: %w", ErrUnavailable, errors.Join(errs...))
	}
	return n, nil
}

// collectSite lists one site and removes what no catalog row claims.
func (s *Store) collectSite(ctx context.Context, regionID string, st site, cutoff time.Time) (int, error) {
	n := 0
	var batch []entry
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		ids := make([]string, 0, len(batch))
		for _, e := range batch {
			if e.ID != "" {
				ids = append(ids, e.ID)
			}
		}
		states, err := s.cat.states(ctx, ids)
		if err != nil {
			return err
		}
		pending, err := s.cat.pendingOn(ctx, st.ID(), ids)
		if err != nil {
			return err
		}
		for _, e := range batch {
			if e.Temp {
				if err := st.RemoveTemp(ctx, e); err != nil {
					s.log.Warn("blob: remove unfinished write", "site", st.ID(), "key", e.Key, "err", err)
					continue
				}
				s.log.Info("blob: unfinished write removed", "site", st.ID(), "object", e.ID)
				n++
				continue
			}
			row, known := states[e.ID]
			switch {
			case pending[e.ID]:
				continue // an erasure is recorded; it runs with its job or the next scrub
			case known && row.State == stateDeleting:
				continue
			case known && row.Region == regionID:
				continue // the object's own copy (or one being written)
			}
			if err := st.Remove(ctx, e.Key); err != nil {
				s.log.Warn("blob: remove orphan", "site", st.ID(), "key", e.Key, "err", err)
				continue
			}
			s.log.Info("blob: orphan removed", "site", st.ID(), "object", e.ID, "known", known)
			n++
		}
		batch = batch[:0]
		return nil
	}
	err := st.List(ctx, func(e entry) error {
		if !e.ModTime.Before(cutoff) || e.ID == "" {
			return nil
		}
		batch = append(batch, e)
		if len(batch) >= orphanBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	return n, err
}
