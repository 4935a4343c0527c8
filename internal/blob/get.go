package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding"
	"errors"
	"fmt"
	"hash"
	"io"
)

// Get returns a reader of the object's bytes. Every chunk is checked against the recorded
// SHA-256 chaining value at its end (the last one against the object's SHA-256) before any
// of its bytes are handed out, so wrong bytes are never served: a copy
// that is missing, short or different is left at that chunk and the next site continues
// from the same offset, and a repair job is enqueued. The first chunk is read before Get
// returns, so a caller learns of ErrCorrupt or ErrUnavailable before it sends anything.
// A later failure of every site surfaces as that error from Read.
//
// Costs: one chunk (1 MiB at most) of memory per open reader and a chunk of latency before
// the first byte; no second pass over the data and no temporary files.
func (s *Store) Get(ctx context.Context, ref Ref) (io.ReadCloser, error) {
	o, copies, err := s.lookup(ctx, ref)
	if err != nil {
		return nil, err
	}
	reg, ok := s.regions[o.Region]
	if !ok {
		return nil, fmt.Errorf("blob: object %s is in region %q, which is not configured: %w", o.ID, o.Region, ErrUnavailable)
	}
	v, err := s.newVerifier(ctx, o, orderSites(reg.sites, copies), "read")
	if err != nil {
		return nil, err
	}
	if err := v.fill(); err != nil && !errors.Is(err, io.EOF) {
		_ = v.Close()
		return nil, err
	}
	return v, nil
}

// orderSites puts the sites whose copy is recorded good first, keeping configuration order.
func orderSites(sites []site, copies []copyRow) []site {
	good := map[string]bool{}
	for _, c := range copies {
		if c.State == copyOK {
			good[c.Site] = true
		}
	}
	out := make([]site, 0, len(sites))
	for _, st := range sites {
		if good[st.ID()] {
			out = append(out, st)
		}
	}
	for _, st := range sites {
		if !good[st.ID()] {
			out = append(out, st)
		}
	}
	return out
}

// verifier reads an object chunk by chunk. It stays on one site while that site's chunks
// verify; at a bad chunk the next site continues from the same offset. A site whose copy
// is missing, short or unreachable is dropped; a site with one bad chunk may still serve
// later ones, so copies damaged in different places together still give the object.
type verifier struct {
	ctx    context.Context
	s      *Store
	o      objectRow
	key    string
	source string // for findings: "read", "repair", "scrub", "move"
	sites  []site
	dead   []bool // dropped for the rest of the read
	tried  []bool // failed on the current chunk
	cur    io.ReadCloser
	curIdx int
	off    int64 // start of the next chunk
	k      int   // index of the next chunk
	count  int   // number of chunks
	buf    []byte
	pooled *[]byte
	pos    int
	end    int
	whole  hash.Hash
	// down: some site did not answer, so the final error is ErrUnavailable (it may work
	// later) rather than ErrCorrupt.
	down      bool
	repairDue bool
	err       error
}

func (s *Store) newVerifier(ctx context.Context, o objectRow, sites []site, source string) (*verifier, error) {
	if o.ChunkSize <= 0 {
		return nil, fmt.Errorf("blob: object %s: no chunk size recorded: %w", o.ID, ErrCorrupt)
	}
	if o.ChunkSize%64 != 0 {
		return nil, fmt.Errorf("blob: object %s: chunk size %d not a multiple of the hash block: %w", o.ID, o.ChunkSize, ErrCorrupt)
	}
	count := int((o.Size + o.ChunkSize - 1) / o.ChunkSize)
	full := int(o.Size / o.ChunkSize)
	if len(o.Chunks) != full*sha256.Size || len(o.SHA256) != sha256.Size {
		return nil, fmt.Errorf("blob: object %s: catalog checksums malformed: %w", o.ID, ErrCorrupt)
	}
	v := &verifier{
		ctx: ctx, s: s, o: o, key: objectKey(o.Tenant, o.ID), source: source,
		sites: sites, dead: make([]bool, len(sites)), tried: make([]bool, len(sites)),
		count: count, whole: sha256.New(),
	}
	switch {
	case o.ChunkSize == chunkSize && o.Size >= chunkSize:
		v.pooled = s.bufs.Get().(*[]byte)
		v.buf = *v.pooled
	default:
		v.buf = make([]byte, min(o.Size, o.ChunkSize))
	}
	return v, nil
}

func (v *verifier) chunkLen(k int) int {
	if k == v.count-1 {
		return int(v.o.Size - int64(k)*v.o.ChunkSize)
	}
	return int(v.o.ChunkSize)
}

// openNext opens the first usable site at the current offset.
func (v *verifier) openNext() error {
	for i, st := range v.sites {
		if v.dead[i] || v.tried[i] {
			continue
		}
		rc, err := st.Open(v.ctx, v.key, v.off)
		if err == nil {
			v.cur, v.curIdx = rc, i
			return nil
		}
		if cerr := v.ctx.Err(); cerr != nil {
			return cerr
		}
		problem := "unreachable"
		if errors.Is(err, errNotExist) {
			problem = "missing"
		}
		v.giveUp(i, problem, err)
	}
	if v.down {
		return fmt.Errorf("blob: object %s at offset %d: %w", v.o.ID, v.off, ErrUnavailable)
	}
	return fmt.Errorf("blob: object %s at offset %d: %w", v.o.ID, v.off, ErrCorrupt)
}

// giveUp records why a site's copy is not used for this chunk (or at all).
func (v *verifier) giveUp(i int, problem string, err error) {
	v.s.finding(v.source, v.o.ID, v.sites[i].ID(), problem, err)
	switch problem {
	case "corrupt":
		v.tried[i] = true
	case "unreachable":
		v.dead[i] = true
		v.down = true
		return
	default:
		v.dead[i] = true
	}
	if !v.repairDue && v.source == "read" {
		v.repairDue = true
		v.s.enqueue(v.ctx, RepairArgs{ObjectID: v.o.ID})
	}
}

// fill loads and verifies the next chunk; io.EOF after the last one.
func (v *verifier) fill() error {
	if v.err != nil {
		return v.err
	}
	if v.k == v.count {
		var sum [sha256.Size]byte
		if !bytes.Equal(v.whole.Sum(sum[:0]), v.o.SHA256) || v.off != v.o.Size {
			// Only an empty object gets here unchecked; the last chunk was checked above.
			v.err = fmt.Errorf("blob: object %s: checksum differs: %w", v.o.ID, ErrCorrupt)
			return v.err
		}
		v.err = io.EOF
		return v.err
	}
	want := v.chunkLen(v.k)
	buf := v.buf[:want]
	saved, err := v.whole.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		v.err = fmt.Errorf("blob: object %s: %w", v.o.ID, err)
		return v.err
	}
	for {
		if v.cur == nil {
			if err := v.openNext(); err != nil {
				v.err = err
				return err
			}
		}
		_, err := io.ReadFull(v.cur, buf)
		if err == nil {
			v.whole.Write(buf)
			ok, cerr := v.check(want)
			if cerr != nil {
				v.err = cerr
				return cerr
			}
			if ok {
				break
			}
			if uerr := v.whole.(encoding.BinaryUnmarshaler).UnmarshalBinary(saved); uerr != nil {
				v.err = fmt.Errorf("blob: object %s: %w", v.o.ID, uerr)
				return v.err
			}
		}
		if cerr := v.ctx.Err(); cerr != nil {
			v.err = cerr
			return cerr
		}
		problem := "corrupt"
		switch {
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			problem = "truncated"
		case errors.Is(err, errNotExist):
			problem = "missing"
		case err != nil:
			problem = "unreachable"
		}
		v.giveUp(v.curIdx, problem, err)
		_ = v.cur.Close()
		v.cur = nil
	}
	v.k++
	v.off += int64(want)
	v.pos, v.end = 0, want
	clear(v.tried)
	return nil
}

// check reports whether the hash state after chunk v.k (of length n) is the recorded one:
// the chaining value for a complete chunk, and for the last chunk the object's SHA-256.
func (v *verifier) check(n int) (bool, error) {
	if int64(n) == v.o.ChunkSize {
		cv, err := chainingValue(v.whole)
		if err != nil {
			return false, fmt.Errorf("blob: object %s: %w", v.o.ID, err)
		}
		if !bytes.Equal(cv, v.o.Chunks[v.k*sha256.Size:(v.k+1)*sha256.Size]) {
			return false, nil
		}
	}
	if v.k == v.count-1 {
		var sum [sha256.Size]byte
		return bytes.Equal(v.whole.Sum(sum[:0]), v.o.SHA256), nil
	}
	return true, nil
}

func (v *verifier) Read(p []byte) (int, error) {
	if v.pos == v.end {
		if err := v.fill(); err != nil {
			return 0, err
		}
	}
	n := copy(p, v.buf[v.pos:v.end])
	v.pos += n
	return n, nil
}

func (v *verifier) Close() error {
	if v.cur != nil {
		_ = v.cur.Close()
		v.cur = nil
	}
	if v.pooled != nil {
		v.s.bufs.Put(v.pooled)
		v.pooled = nil
	}
	v.buf, v.pos, v.end = nil, 0, 0
	if v.err == nil {
		v.err = errors.New("blob: reader closed")
	}
	return nil
}
