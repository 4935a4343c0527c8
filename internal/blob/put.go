package blob

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
)

// chunkSize is the unit of streaming and of read verification: the catalog holds the
// SHA-256 chaining value at the end of every chunk, so a reader checks each chunk before it
// hands out a byte of it. It is a multiple of SHA-256's 64-byte block.
const chunkSize = 1 << 20

// pipelineDepth is how many chunks a write keeps in flight. Memory per write is at most
// pipelineDepth × chunkSize, whatever the object's size.
const pipelineDepth = 4

// Put stores r's bytes in the scope's region (or the target of the tenant's residency move
// in progress) and returns its reference once at least WriteQuorum sites hold it durably.
// With one site failing the write is acknowledged, recorded as degraded and a repair job is
// enqueued; with more failing it returns ErrUnavailable and leaves nothing visible.
func (s *Store) Put(ctx context.Context, scope Scope, r io.Reader) (Ref, error) {
	reg, err := s.regionFor(ctx, scope)
	if err != nil {
		return Ref{}, fmt.Errorf("blob: put: %w", err)
	}
	now := s.now()
	o := objectRow{
		ID: newObjectID(), Tenant: scope.Tenant, Region: reg.id, State: stateWriting,
		ChunkSize: chunkSize, CreatedAt: now, UpdatedAt: now,
	}
	// The writing row is recorded while the bytes stream (its commit costs an fsync of
	// its own). Copies that reach a site before it, and outlive a crash, have no row and
	// are collected as orphans like any other unclaimed copy.
	inserted := make(chan error, 1)
	go func() { inserted <- s.cat.insertWriting(context.WithoutCancel(ctx), o) }()
	key := objectKey(o.Tenant, o.ID)
	w, err := s.writeCopies(ctx, reg.sites, key, r, WriteQuorum)
	if ierr := <-inserted; ierr != nil {
		if err == nil {
			w.abort()
		}
		return Ref{}, fmt.Errorf("blob: put: %w", ierr)
	}
	if err == nil {
		err = ctx.Err()
		if err != nil {
			w.abort()
		}
	}
	if err != nil {
		if derr := s.cat.deleteWriting(context.WithoutCancel(ctx), o.ID); derr != nil {
			s.log.Warn("blob: put: drop failed write; orphan collection will", "object", o.ID, "err", derr)
		}
		return Ref{}, fmt.Errorf("blob: put in %s: %w", reg.id, err)
	}
	o.Size, o.SHA256, o.Chunks = w.size, w.sum[:], w.chunks
	o.UpdatedAt = s.now()
	copies := make([]copyRow, len(reg.sites))
	for i, st := range reg.sites {
		copies[i] = copyRow{ObjectID: o.ID, Site: st.ID(), State: copyOK, CheckedAt: o.UpdatedAt}
		if w.errs[i] != nil {
			copies[i].State = copyMissing
			o.Degraded = true
		}
	}
	if err := s.cat.commitWriting(ctx, o, copies); err != nil {
		// The copies stay: if the commit did happen after all, they are the object; if not,
		// orphan collection erases them with the writing row after the grace period.
		return Ref{}, fmt.Errorf("blob: put: %w", err)
	}
	if o.Degraded {
		for i, st := range reg.sites {
			if w.errs[i] != nil {
				s.metrics.degraded.WithLabelValues(st.ID()).Inc()
				s.log.Warn("blob: write acknowledged degraded", "object", o.ID, "site", st.ID(), "err", w.errs[i])
			}
		}
		s.enqueue(ctx, RepairArgs{ObjectID: o.ID})
	}
	return refOf(o), nil
}

// written is the outcome of writeCopies.
type written struct {
	size   int64
	sum    [32]byte
	chunks []byte
	ws     []siteWriter
	errs   []error // nil for every site that committed
}

// abort removes every committed copy (used when the catalog refuses the object).
func (w *written) abort() {
	for i, sw := range w.ws {
		if sw != nil && w.errs[i] == nil {
			_ = sw.Abort()
		}
	}
}

type chunk struct {
	buf  *[]byte
	n    int
	refs atomic.Int32
}

// writeCopies streams r to key on every site at once and commits when at least quorum
// sites prepared (hold the bytes durably under a temporary name). Memory is bounded by
// pipelineDepth chunks: one goroutine reads, one hashes, one per site writes; the slowest
// site sets the pace, a failed site drops out without stopping the others.
func (s *Store) writeCopies(ctx context.Context, sites []site, key string, r io.Reader, quorum int) (*written, error) {
	n := len(sites)
	w := &written{ws: make([]siteWriter, n), errs: make([]error, n)}
	var wg sync.WaitGroup
	for i, st := range sites {
		wg.Go(func() {
			sw, err := st.Create(ctx, key)
			w.ws[i], w.errs[i] = sw, err
		})
	}
	wg.Wait()
	var failed atomic.Int32
	for i := range sites {
		if w.errs[i] != nil {
			failed.Add(1)
		}
	}
	abortAll := func() {
		for _, sw := range w.ws {
			if sw != nil {
				_ = sw.Abort()
			}
		}
	}
	if int(failed.Load()) > n-quorum {
		abortAll()
		return nil, quorumError(sites, w.errs, quorum)
	}

	free := make(chan *chunk, pipelineDepth)
	for range pipelineDepth {
		free <- &chunk{buf: s.bufs.Get().(*[]byte)}
	}
	defer func() {
		for range pipelineDepth {
			c := <-free
			s.bufs.Put(c.buf)
		}
	}()
	release := func(c *chunk) {
		if c.refs.Add(-1) == 0 {
			free <- c
		}
	}

	// Consumers: one per live site, plus the hasher.
	var consumers []chan *chunk
	for i := range sites {
		if w.ws[i] == nil {
			continue
		}
		ch := make(chan *chunk, pipelineDepth)
		consumers = append(consumers, ch)
		wg.Go(func() {
			for c := range ch {
				if w.errs[i] == nil {
					if _, err := w.ws[i].Write((*c.buf)[:c.n]); err != nil {
						w.errs[i] = err
						failed.Add(1)
					}
				}
				release(c)
			}
			if w.errs[i] == nil {
				if err := w.ws[i].Prepare(); err != nil {
					w.errs[i] = err
					failed.Add(1)
				}
			}
		})
	}
	// One hasher: the SHA-256 of the object, and its chaining value at every chunk
	// boundary (chunkCheck), from the same pass.
	hashCh := make(chan *chunk, pipelineDepth)
	consumers = append(consumers, hashCh)
	whole := sha256.New()
	var hashErr error
	wg.Go(func() {
		for c := range hashCh {
			whole.Write((*c.buf)[:c.n])
			if c.n == chunkSize && hashErr == nil {
				cv, err := chainingValue(whole)
				hashErr = err
				w.chunks = append(w.chunks, cv...)
			}
			release(c)
		}
	})
	var readErr error
	for {
		if int(failed.Load()) > n-quorum {
			break
		}
		var c *chunk
		select {
		case c = <-free:
		case <-ctx.Done():
			readErr = ctx.Err()
		}
		if readErr != nil {
			break
		}
		m, err := io.ReadFull(r, *c.buf)
		if m > 0 {
			c.n = m
			w.size += int64(m)
			c.refs.Store(int32(len(consumers)))
			for _, ch := range consumers {
				ch <- c
			}
		} else {
			free <- c
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			readErr = fmt.Errorf("read source: %w", err)
			break
		}
	}
	for _, ch := range consumers {
		close(ch)
	}
	wg.Wait()
	copy(w.sum[:], whole.Sum(nil))
	if readErr == nil {
		readErr = hashErr
	}
	if readErr != nil {
		abortAll()
		return nil, readErr
	}
	if int(failed.Load()) > n-quorum {
		abortAll()
		return nil, quorumError(sites, w.errs, quorum)
	}
	// Every site that prepared commits, in parallel; the quorum counts commits.
	for i := range sites {
		if w.errs[i] == nil {
			wg.Go(func() { w.errs[i] = w.ws[i].Commit() })
		}
	}
	wg.Wait()
	ok := 0
	for i := range sites {
		if w.errs[i] == nil {
			ok++
		} else if w.ws[i] != nil {
			_ = w.ws[i].Abort()
		}
	}
	if ok < quorum {
		abortAll()
		return nil, quorumError(sites, w.errs, quorum)
	}
	return w, nil
}

// quorumError explains which sites failed.
func quorumError(sites []site, errs []error, quorum int) error {
	var bad []error
	for i, err := range errs {
		if err != nil {
			bad = append(bad, fmt.Errorf("%s: %w", sites[i].ID(), err))
		}
	}
	return fmt.Errorf("%w: %d of %d sites failed, %d needed: %w",
		ErrUnavailable, len(bad), len(sites), quorum, errors.Join(bad...))
}
