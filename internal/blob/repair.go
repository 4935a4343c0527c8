package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// copyCheck is the result of verifying one copy end to end.
type copyCheck struct {
	site    site
	state   string // copyOK, copyMissing, copyCorrupt; "" when the site did not answer
	problem string // "", "missing", "truncated", "oversize", "corrupt", "unreachable"
	err     error
}

// verifyCopy reads a whole copy and compares its size and SHA-256 with the catalog.
func (s *Store) verifyCopy(ctx context.Context, st site, o objectRow) copyCheck {
	c := copyCheck{site: st}
	rc, err := st.Open(ctx, objectKey(o.Tenant, o.ID), 0)
	if err != nil {
		c.err = err
		if errors.Is(err, errNotExist) {
			c.state, c.problem = copyMissing, "missing"
		} else {
			c.problem = "unreachable"
		}
		return c
	}
	defer func() { _ = rc.Close() }()
	h := sha256.New()
	buf := s.bufs.Get().(*[]byte)
	defer s.bufs.Put(buf)
	n, err := io.CopyBuffer(h, io.LimitReader(rc, o.Size+1), *buf)
	switch {
	case err != nil && (ctx.Err() != nil || st.Kind() != KindDir):
		// A network error says nothing about the copy. (A directory that answers but
		// fails mid-file has a bad copy, which a rewrite to fresh blocks fixes.)
		c.problem, c.err = "unreachable", err
	case err != nil:
		c.state, c.problem, c.err = copyCorrupt, "corrupt", err
	case n < o.Size:
		c.state, c.problem = copyCorrupt, "truncated"
	case n > o.Size:
		c.state, c.problem = copyCorrupt, "oversize"
	case !bytes.Equal(h.Sum(nil), o.SHA256):
		c.state, c.problem = copyCorrupt, "corrupt"
	default:
		c.state = copyOK
	}
	return c
}

// verifyAll checks every site's copy in parallel.
func (s *Store) verifyAll(ctx context.Context, o objectRow, sites []site) []copyCheck {
	out := make([]copyCheck, len(sites))
	var wg sync.WaitGroup
	for i, st := range sites {
		wg.Go(func() { out[i] = s.verifyCopy(ctx, st, o) })
	}
	wg.Wait()
	return out
}

// Repair verifies every copy of an object and rewrites each missing or bad one from a
// verified copy. A deleted (or never committed) object is left alone: repair never brings
// one back. It returns an error wrapping ErrUnavailable while a site that needs a copy does
// not answer (so a retried job converges once it returns) and ErrCorrupt when no copy
// verifies.
func (s *Store) Repair(ctx context.Context, objectID string) error {
	o, _, err := s.cat.object(ctx, objectID, "")
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("blob: repair: %w", err)
	}
	if o.State != stateCommitted {
		return nil
	}
	reg, ok := s.regions[o.Region]
	if !ok {
		return fmt.Errorf("blob: repair %s: region %q not configured: %w", o.ID, o.Region, ErrUnavailable)
	}
	checks := s.verifyAll(ctx, o, reg.sites)
	for _, c := range checks {
		if c.state != copyOK {
			s.finding("repair", o.ID, c.site.ID(), c.problem, c.err)
		}
	}
	_, err = s.repairWith(ctx, o, checks, "repair")
	return err
}

// repairWith rewrites the copies checks found missing or corrupt, from the ones found good,
// and records the outcome. It returns the ids of the sites it repaired.
func (s *Store) repairWith(ctx context.Context, o objectRow, checks []copyCheck, source string) (map[string]bool, error) {
	var good, bad []site
	down := 0
	for _, c := range checks {
		switch c.state {
		case copyOK:
			good = append(good, c.site)
		case copyMissing, copyCorrupt:
			bad = append(bad, c.site)
		default:
			down++
		}
	}
	repaired := map[string]bool{}
	if len(good) == 0 && len(bad) == 0 {
		return repaired, fmt.Errorf("blob: repair %s: no site answered: %w", o.ID, ErrUnavailable)
	}
	var w *written
	var werr error
	if len(bad) > 0 {
		// The source is read chunk by chunk with verification, so bad copies can serve
		// as a fallback too: copies damaged in different places rebuild the object.
		w, werr = s.rewrite(ctx, o, append(append([]site(nil), good...), bad...), bad, source)
		if len(good) == 0 && w == nil {
			if down > 0 && errors.Is(werr, ErrCorrupt) {
				// Not lost while a site that may hold a good copy is silent.
				werr = fmt.Errorf("%w: %d sites did not answer, the others hold no good copy: %v", ErrUnavailable, down, werr)
			}
			return repaired, fmt.Errorf("blob: repair %s: no copy verifies: %w", o.ID, werr)
		}
		for i, st := range bad {
			if w != nil && w.errs[i] == nil {
				repaired[st.ID()] = true
				s.metrics.repairs.WithLabelValues(st.ID(), "ok").Inc()
				s.log.Info("blob: copy repaired", "object", o.ID, "site", st.ID(), "source", source)
			} else {
				s.metrics.repairs.WithLabelValues(st.ID(), "failed").Inc()
			}
		}
	}

	// Record the new states. A site that did not answer keeps what was recorded.
	_, recorded, err := s.cat.object(ctx, o.ID, "")
	if err != nil {
		if w != nil {
			w.abort()
		}
		if errors.Is(err, ErrNotFound) {
			return map[string]bool{}, nil
		}
		return repaired, fmt.Errorf("blob: repair %s: %w", o.ID, err)
	}
	prev := map[string]string{}
	for _, c := range recorded {
		prev[c.Site] = c.State
	}
	now := s.now()
	copies := make([]copyRow, 0, len(checks))
	degraded, changed := false, false
	for _, c := range checks {
		state := c.state
		if repaired[c.site.ID()] {
			state = copyOK
		}
		if state == "" {
			state = prev[c.site.ID()]
			if state == "" {
				state = copyMissing
			}
		}
		if state != copyOK {
			degraded = true
		}
		if prev[c.site.ID()] != state {
			changed = true
		}
		copies = append(copies, copyRow{ObjectID: o.ID, Site: c.site.ID(), State: state, CheckedAt: now})
	}
	if changed || degraded != o.Degraded || len(recorded) != len(checks) {
		if err := s.cat.setCopies(ctx, o.ID, o.Region, copies, degraded, now); err != nil {
			if errors.Is(err, errStale) {
				// Deleted or moved while we wrote: what we wrote must not outlive it.
				if w != nil {
					w.abort()
				}
				return map[string]bool{}, nil
			}
			return repaired, fmt.Errorf("blob: repair %s: %w", o.ID, err)
		}
	}
	if werr != nil {
		return repaired, fmt.Errorf("blob: repair %s: %w", o.ID, werr)
	}
	if degraded {
		return repaired, fmt.Errorf("blob: repair %s: %d of %d copies not verified good: %w", o.ID, countNot(copies), len(copies), ErrUnavailable)
	}
	return repaired, nil
}

func countNot(copies []copyRow) int {
	n := 0
	for _, c := range copies {
		if c.State != copyOK {
			n++
		}
	}
	return n
}

// rewrite streams the object from the source sites (verified chunk by chunk, the next
// site taking over at the chunk where one fails) onto the bad ones; each bad site commits
// or fails on its own.
func (s *Store) rewrite(ctx context.Context, o objectRow, from, bad []site, source string) (*written, error) {
	src, err := s.newVerifier(ctx, o, from, source)
	if err != nil {
		return nil, err
	}
	defer func() { _ = src.Close() }()
	w, err := s.writeCopies(ctx, bad, objectKey(o.Tenant, o.ID), src, 1)
	if err != nil {
		return nil, err
	}
	if w.size != o.Size || !bytes.Equal(w.sum[:], o.SHA256) {
		w.abort()
		return nil, fmt.Errorf("blob: rewrite %s: %w", o.ID, ErrCorrupt)
	}
	var errs []error
	for i, e := range w.errs {
		if e != nil {
			errs = append(errs, fmt.Errorf("%s: %w", bad[i].ID(), e))
		}
	}
	return w, errors.Join(errs...)
}

// ScrubReport is what one Scrub found and did.
type ScrubReport struct {
	Objects     int      // committed objects checked
	Copies      int      // copies checked
	Verified    int      // copies that verified
	Missing     int      // copies absent from a site that answered
	Corrupt     int      // copies with the wrong size or checksum
	Unreachable int      // copies on sites that did not answer
	Repaired    int      // copies rewritten from a verified copy
	Unrepaired  int      // bad copies that could not be rewritten
	Lost        []string // objects no copy of which verifies (every site answered)
	Deletions   int      // pending erasures completed
	// PendingDeletions are erasures whose site still failed; they stay recorded.
	PendingDeletions int
	Findings         []Finding // the first maxFindings problems
	Truncated        bool      // more findings than listed
	Started          time.Time
	Finished         time.Time
}

// Finding is one problem with one copy.
type Finding struct {
	ObjectID string
	Site     string
	Problem  string // "missing", "truncated", "oversize", "corrupt", "unreachable"
	Repaired bool
}

const maxFindings = 1000

// scrubBatch is how many catalog rows a scrub reads at a time.
const scrubBatch = 100

// Scrub verifies every copy of every committed object, repairs what it can, and retries
// every pending erasure. Each finding is a log line and a metric. Deleted objects are not
// visited, so a scrub never brings one back.
func (s *Store) Scrub(ctx context.Context) (ScrubReport, error) {
	rep := ScrubReport{Started: s.now()}
	var errs []error
	after := ""
	for {
		rows, err := s.cat.listCommitted(ctx, after, scrubBatch)
		if err != nil {
			return rep, fmt.Errorf("blob: scrub: %w", err)
		}
		if len(rows) == 0 {
			break
		}
		for _, o := range rows {
			if err := ctx.Err(); err != nil {
				return rep, fmt.Errorf("blob: scrub: %w", err)
			}
			after = o.ID
			s.scrubObject(ctx, o, &rep)
		}
	}
	done, pending, err := s.processDeletions(ctx)
	rep.Deletions, rep.PendingDeletions = done, pending
	if err != nil {
		errs = append(errs, err)
	}
	rep.Finished = s.now()
	s.log.Info("blob: scrub done", "objects", rep.Objects, "copies", rep.Copies, "verified", rep.Verified,
		"missing", rep.Missing, "corrupt", rep.Corrupt, "unreachable", rep.Unreachable,
		"repaired", rep.Repaired, "unrepaired", rep.Unrepaired, "lost", len(rep.Lost), "deletions", rep.Deletions, "pending_deletions", rep.PendingDeletions)
	if err := errors.Join(errs...); err != nil {
		return rep, fmt.Errorf("blob: scrub: %w", err)
	}
	return rep, nil
}

func (s *Store) scrubObject(ctx context.Context, o objectRow, rep *ScrubReport) {
	reg, ok := s.regions[o.Region]
	if !ok {
		s.log.Error("blob: scrub: object in a region that is not configured", "object", o.ID, "region", o.Region)
		return
	}
	rep.Objects++
	checks := s.verifyAll(ctx, o, reg.sites)
	needs := o.Degraded
	anyGood := false
	for _, c := range checks {
		rep.Copies++
		switch c.state {
		case copyOK:
			rep.Verified++
			anyGood = true
		case copyMissing:
			rep.Missing++
			needs = true
		case copyCorrupt:
			rep.Corrupt++
			needs = true
		default:
			rep.Unreachable++
		}
		if c.state != copyOK {
			s.finding("scrub", o.ID, c.site.ID(), c.problem, c.err)
		}
	}
	var repaired map[string]bool
	if needs {
		var err error
		repaired, err = s.repairWith(ctx, o, checks, "scrub")
		if errors.Is(err, ErrCorrupt) && !anyGood {
			rep.Lost = append(rep.Lost, o.ID)
			s.log.Error("blob: scrub: object lost, no copy verifies", "object", o.ID)
		}
	}
	for _, c := range checks {
		if c.state == copyOK {
			continue
		}
		if c.state != "" {
			if repaired[c.site.ID()] {
				rep.Repaired++
			} else {
				rep.Unrepaired++
			}
		}
		if len(rep.Findings) < maxFindings {
			rep.Findings = append(rep.Findings, Finding{ObjectID: o.ID, Site: c.site.ID(), Problem: c.problem, Repaired: repaired[c.site.ID()]})
		} else {
			rep.Truncated = true
		}
	}
}
