package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/securemailbox/securemailbox/internal/testkit"
)

// recQueue records enqueued jobs; run executes them against a store, the way the River
// workers of the wiring do.
type recQueue struct {
	mu   sync.Mutex
	jobs []JobArgs
	fail atomic.Bool
}

func (q *recQueue) Enqueue(_ context.Context, args JobArgs) error {
	if q.fail.Load() {
		return errors.New("queue unavailable")
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	q.jobs = append(q.jobs, args)
	return nil
}

func (q *recQueue) take() []JobArgs {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := q.jobs
	q.jobs = nil
	return out
}

func (q *recQueue) count(kind string) int {
	q.mu.Lock()
	defer q.mu.Unlock()
	n := 0
	for _, j := range q.jobs {
		if j.Kind() == kind {
			n++
		}
	}
	return n
}

// run executes every queued job once; failed jobs are queued again (River would retry).
// It returns the errors of the failed ones.
func (q *recQueue) run(ctx context.Context, s *Store) []error {
	var errs []error
	for _, j := range q.take() {
		var err error
		switch a := j.(type) {
		case RepairArgs:
			err = s.Repair(ctx, a.ObjectID)
		case DeleteArgs:
			err = s.DeleteCopy(ctx, a.ObjectID, a.Site)
		case ScrubArgs:
			_, err = s.Scrub(ctx)
		case OrphanArgs:
			_, err = s.CollectOrphans(ctx)
		case MoveArgs:
			err = s.MoveTenant(ctx, a.Tenant, a.Region, nil)
		default:
			err = fmt.Errorf("unknown job %T", j)
		}
		if err != nil {
			errs = append(errs, err)
			_ = q.Enqueue(ctx, j)
		}
	}
	return errs
}

// faultSite wraps a site and fails on demand.
type faultSite struct {
	site
	down      atomic.Bool  // every operation fails as unreachable
	readOnly  atomic.Bool  // writes and removals fail with EROFS
	spaceLeft atomic.Int64 // when ≥ 0, writes fail with ENOSPC after this many more bytes
}

func newFaultSite(s site) *faultSite {
	f := &faultSite{site: s}
	f.spaceLeft.Store(-1)
	return f
}

func (f *faultSite) err(op string) error {
	return siteDown(f.ID(), &fs.PathError{Op: op, Path: f.ID(), Err: syscall.ECONNREFUSED})
}

func (f *faultSite) Create(ctx context.Context, key string) (siteWriter, error) {
	if f.down.Load() {
		return nil, f.err("create")
	}
	if f.readOnly.Load() {
		return nil, siteDown(f.ID(), &fs.PathError{Op: "create", Path: key, Err: syscall.EROFS})
	}
	w, err := f.site.Create(ctx, key)
	if err != nil {
		return nil, err
	}
	return &faultWriter{siteWriter: w, f: f}, nil
}

func (f *faultSite) Open(ctx context.Context, key string, off int64) (io.ReadCloser, error) {
	if f.down.Load() {
		return nil, f.err("open")
	}
	return f.site.Open(ctx, key, off)
}

func (f *faultSite) Remove(ctx context.Context, key string) error {
	if f.down.Load() {
		return f.err("remove")
	}
	if f.readOnly.Load() {
		return siteDown(f.ID(), &fs.PathError{Op: "remove", Path: key, Err: syscall.EROFS})
	}
	return f.site.Remove(ctx, key)
}

func (f *faultSite) List(ctx context.Context, fn func(entry) error) error {
	if f.down.Load() {
		return f.err("list")
	}
	return f.site.List(ctx, fn)
}

func (f *faultSite) RemoveTemp(ctx context.Context, e entry) error {
	if f.down.Load() {
		return f.err("remove")
	}
	return f.site.RemoveTemp(ctx, e)
}

func (f *faultSite) Check(ctx context.Context) SiteStatus {
	if f.down.Load() {
		return SiteStatus{Site: f.ID(), Kind: f.Kind(), FreeBytes: -1, Err: f.err("check")}
	}
	return f.site.Check(ctx)
}

type faultWriter struct {
	siteWriter
	f *faultSite
}

func (w *faultWriter) Write(p []byte) (int, error) {
	if w.f.down.Load() {
		return 0, w.f.err("write")
	}
	if left := w.f.spaceLeft.Load(); left >= 0 {
		if int64(len(p)) > left {
			w.f.spaceLeft.Store(0)
			n, _ := w.siteWriter.Write(p[:left])
			return n, siteDown(w.f.ID(), &fs.PathError{Op: "write", Path: w.f.ID(), Err: syscall.ENOSPC})
		}
		w.f.spaceLeft.Add(-int64(len(p)))
	}
	return w.siteWriter.Write(p)
}

func (w *faultWriter) Prepare() error {
	if w.f.down.Load() {
		return w.f.err("sync")
	}
	return w.siteWriter.Prepare()
}

// fixture is a store on three dir sites per region with faults, a fake clock and a
// recording queue.
type fixture struct {
	t      testing.TB
	s      *Store
	q      *recQueue
	clock  *testkit.Clock
	dirs   map[string]string // site id → directory (dir sites)
	faults map[string]*faultSite
	opts   Options
	cat    catalog
}

// regionDirs returns region options with three dir sites under base.
func regionDirs(base, id, name string) RegionOptions {
	r := RegionOptions{ID: id, Name: name}
	for _, n := range []string{"a", "b", "c"} {
		r.Sites = append(r.Sites, SiteOptions{Name: n, Kind: KindDir, Dir: filepath.Join(base, id, n)})
	}
	return r
}

func newFixture(t testing.TB, bdb *bun.DB, opts Options) *fixture {
	t.Helper()
	if bdb == nil {
		bdb, _ = testkit.NewSQLite(t)
	}
	f := &fixture{
		t: t, q: &recQueue{}, clock: testkit.NewClock(time.Now()),
		dirs: map[string]string{}, faults: map[string]*faultSite{}, cat: newBunCatalog(bdb),
	}
	if opts.Regions == nil {
		base := t.TempDir()
		opts.Regions = []RegionOptions{regionDirs(base, "se", "Sweden (EU)"), regionDirs(base, "de", "Germany (EU)")}
		opts.DefaultRegion = "se"
	}
	opts.Now = f.clock.Now
	if opts.OrphanGrace == 0 {
		opts.OrphanGrace = time.Hour
	}
	for _, r := range opts.Regions {
		for _, so := range r.Sites {
			if so.Kind == KindDir {
				f.dirs[r.ID+"/"+so.Name] = so.Dir
			}
		}
	}
	f.opts = opts
	s, err := open(context.Background(), f.cat, opts, f.q, func(st site) site {
		fs := newFaultSite(st)
		f.faults[st.ID()] = fs
		return fs
	})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	f.s = s
	return f
}

// payload returns size deterministic pseudo-random bytes for seed.
func payload(seed uint64, size int) []byte {
	r := rand.New(rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), byte(seed >> 16), 7}))
	b := make([]byte, size)
	for i := 0; i+8 <= size; i += 8 {
		v := r.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	for i := size - size%8; i < size; i++ {
		b[i] = byte(r.Uint32())
	}
	return b
}

func (f *fixture) put(scope Scope, data []byte) Ref {
	f.t.Helper()
	ref, err := f.s.Put(context.Background(), scope, bytes.NewReader(data))
	if err != nil {
		f.t.Fatalf("put %d bytes: %v", len(data), err)
	}
	if ref.Size != int64(len(data)) || ref.SHA256 != sha256.Sum256(data) {
		f.t.Fatalf("put: ref %d bytes, want %d, or checksum differs", ref.Size, len(data))
	}
	return ref
}

// read returns everything Get serves and the error that ended it.
func (f *fixture) read(ref Ref) ([]byte, error) {
	rc, err := f.s.Get(context.Background(), ref)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rc.Close() }()
	return io.ReadAll(rc)
}

// mustRead fails unless Get serves exactly want.
func (f *fixture) mustRead(ref Ref, want []byte) {
	f.t.Helper()
	got, err := f.read(ref)
	if err != nil {
		f.t.Fatalf("get %s: %v", ref.ID, err)
	}
	if !bytes.Equal(got, want) {
		f.t.Fatalf("get %s: %d bytes differ from the %d written", ref.ID, len(got), len(want))
	}
}

// copyPath is where a dir site keeps ref's copy.
func (f *fixture) copyPath(siteID string, ref Ref) string {
	return filepath.Join(f.dirs[siteID], filepath.FromSlash(objectKey(ref.Tenant, ref.ID)))
}

// files lists every regular file under a site directory.
func files(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.Type().IsRegular() {
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", dir, err)
	}
	return out
}

// tempFiles lists unfinished writes under a site directory.
func tempFiles(t testing.TB, dir string) []string {
	var out []string
	for _, p := range files(t, dir) {
		if strings.HasSuffix(p, tempSuffix) {
			out = append(out, p)
		}
	}
	return out
}

// converge runs queued jobs until none fails, then a scrub that must find nothing.
func (f *fixture) converge(ctx context.Context) {
	f.t.Helper()
	for range 5 {
		if errs := f.q.run(ctx, f.s); len(errs) == 0 {
			break
		}
	}
	if errs := f.q.run(ctx, f.s); len(errs) != 0 {
		f.t.Fatalf("jobs still failing: %v", errs)
	}
	if _, err := f.s.Scrub(ctx); err != nil {
		f.t.Fatalf("scrub: %v", err)
	}
	rep, err := f.s.Scrub(ctx)
	if err != nil {
		f.t.Fatalf("scrub: %v", err)
	}
	if rep.Verified != rep.Copies || len(rep.Findings) != 0 || rep.PendingDeletions != 0 {
		f.t.Fatalf("not converged: %+v", rep)
	}
}

// flipByte inverts one byte of a file.
func flipByte(t testing.TB, path string, off int64) {
	t.Helper()
	fh, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = fh.Close() }()
	b := make([]byte, 1)
	if _, err := fh.ReadAt(b, off); err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0xff
	if _, err := fh.WriteAt(b, off); err != nil {
		t.Fatal(err)
	}
}
