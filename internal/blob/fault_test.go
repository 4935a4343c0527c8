package blob

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/securemailbox/securemailbox/internal/testkit"
)

// load is a set of acknowledged objects and their bytes.
type load struct {
	refs  []Ref
	datas [][]byte
}

func (l *load) add(ref Ref, data []byte) {
	l.refs = append(l.refs, ref)
	l.datas = append(l.datas, data)
}

// verify fails unless every acknowledged object reads back right.
func (l *load) verify(f *fixture) {
	f.t.Helper()
	for i, ref := range l.refs {
		f.mustRead(ref, l.datas[i])
	}
}

// onDisk fails unless every copy on every site of region equals the acknowledged bytes.
func (l *load) onDisk(f *fixture, region string) {
	f.t.Helper()
	for i, ref := range l.refs {
		for _, st := range f.s.regions[region].sites {
			got, err := os.ReadFile(f.copyPath(st.ID(), ref))
			if err != nil || !bytes.Equal(got, l.datas[i]) {
				f.t.Fatalf("copy of %s on %s is not the acknowledged bytes: %v", ref.ID, st.ID(), err)
			}
		}
	}
}

// hookReader calls hook once after n bytes were read.
type hookReader struct {
	r    io.Reader
	n    int64
	hook func()
}

func (h *hookReader) Read(p []byte) (int, error) {
	if h.hook != nil && h.n <= 0 {
		h.hook()
		h.hook = nil
	}
	m, err := h.r.Read(p)
	h.n -= int64(m)
	return m, err
}

func sizeFor(i int) int { return (i*377_003)%(3*chunkSize) + 1 }

func TestFaultSiteDirRemovedMidLoad(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil, Options{})
	scope := Scope{Tenant: testkit.Name("t"), Region: "se"}
	var l load
	for i := range 24 {
		data := payload(uint64(i), sizeFor(i))
		var r io.Reader = bytes.NewReader(data)
		if i == 8 {
			// The directory goes while this write streams.
			r = &hookReader{r: r, n: int64(len(data) / 2), hook: func() {
				if err := os.RemoveAll(f.dirs["se/b"]); err != nil {
					t.Error(err)
				}
			}}
		}
		ref, err := f.s.Put(ctx, scope, r)
		if err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
		l.add(ref, data)
	}
	l.verify(f)
	if n := f.q.count(KindRepair); n != 16 {
		t.Fatalf("%d repair jobs, want one per degraded write (16)", n)
	}
	if errs := f.q.run(ctx, f.s); len(errs) != 16 {
		t.Fatalf("repairs while the directory is missing: %d failed, want 16", len(errs))
	}
	if _, err := os.Stat(f.dirs["se/b"]); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("a write or repair recreated the removed site directory")
	}
	if err := os.Mkdir(f.dirs["se/b"], 0o700); err != nil {
		t.Fatal(err)
	}
	f.converge(ctx)
	l.verify(f)
	l.onDisk(f, "se")
}

func TestFaultSiteReadOnly(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil, Options{})
	scope := Scope{Tenant: testkit.Name("t"), Region: "se"}
	var l load
	for i := range 4 {
		data := payload(uint64(i), sizeFor(i))
		l.add(f.put(scope, data), data)
	}
	dir := f.dirs["se/c"]
	f.faults["se/c"].readOnly.Store(true)
	if os.Geteuid() != 0 { // root ignores permissions; the wrapper stands in for a read-only mount
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Chmod(dir, 0o700) })
	}
	for i := 4; i < 10; i++ {
		data := payload(uint64(i), sizeFor(i))
		l.add(f.put(scope, data), data)
	}
	gone := l.refs[0]
	if err := f.s.Delete(ctx, gone); err != nil {
		t.Fatal(err)
	}
	l.refs, l.datas = l.refs[1:], l.datas[1:]
	l.verify(f)
	if errs := f.q.run(ctx, f.s); len(errs) == 0 {
		t.Fatal("repairs and erasures succeeded on a read-only site")
	}
	f.faults["se/c"].readOnly.Store(false)
	_ = os.Chmod(dir, 0o700)
	f.converge(ctx)
	l.verify(f)
	l.onDisk(f, "se")
	if _, err := os.Stat(f.copyPath("se/c", gone)); !errors.Is(err, os.ErrNotExist) {
		t.Fatal("deleted object survived on the site that was read-only")
	}
}

func TestFaultSiteFull(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil, Options{})
	scope := Scope{Tenant: testkit.Name("t"), Region: "se"}
	f.faults["se/a"].spaceLeft.Store(2*chunkSize + chunkSize/2)
	var l load
	for i := range 6 {
		data := payload(uint64(i), 3*chunkSize/2)
		l.add(f.put(scope, data), data)
	}
	if n := f.q.count(KindRepair); n != 5 {
		t.Fatalf("%d repair jobs, want 5 (the first write fits)", n)
	}
	if tmp := tempFiles(t, f.dirs["se/a"]); len(tmp) != 0 {
		t.Fatalf("failed writes left temp files: %v", tmp)
	}
	l.verify(f)
	f.faults["se/a"].spaceLeft.Store(-1)
	f.converge(ctx)
	l.onDisk(f, "se")
}

func TestFaultCorruptCopies(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil, Options{})
	scope := Scope{Tenant: testkit.Name("t"), Region: "se"}
	big := payload(1, 3*chunkSize+1000)
	small := payload(2, 5000)
	var l load
	l.add(f.put(scope, big), big)
	l.add(f.put(scope, small), small)
	bigRef, smallRef := l.refs[0], l.refs[1]

	// se/a: one byte flipped in the second chunk; se/b: cut inside the third chunk. A read
	// starts on se/a, moves to se/b at chunk 1 and to se/c at chunk 2, and serves right bytes.
	flipByte(t, f.copyPath("se/a", bigRef), chunkSize+77)
	if err := os.Truncate(f.copyPath("se/b", bigRef), 2*chunkSize+10); err != nil {
		t.Fatal(err)
	}
	// The small one: a flipped byte on se/a, truncated to nothing on se/b.
	flipByte(t, f.copyPath("se/a", smallRef), 4999)
	if err := os.Truncate(f.copyPath("se/b", smallRef), 0); err != nil {
		t.Fatal(err)
	}
	l.verify(f)
	if n := f.q.count(KindRepair); n != 2 {
		t.Fatalf("%d repair jobs, want one per object read (2)", n)
	}
	f.converge(ctx)
	l.onDisk(f, "se")
}

func TestFaultCopiesDamagedInDifferentPlaces(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil, Options{})
	scope := Scope{Tenant: testkit.Name("t"), Region: "se"}
	data := payload(3, 3*chunkSize)
	ref := f.put(scope, data)
	for i, id := range []string{"se/a", "se/b", "se/c"} {
		flipByte(t, f.copyPath(id, ref), int64(i)*chunkSize+5)
	}
	f.mustRead(ref, data) // every copy is bad, yet every chunk has a good copy
	rep, err := f.s.Scrub(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Corrupt != 3 || rep.Repaired != 3 || len(rep.Lost) != 0 {
		t.Fatalf("scrub: %+v", rep)
	}
	f.converge(ctx)
	var l load
	l.add(ref, data)
	l.onDisk(f, "se")
}

func TestFaultNoCopyVerifies(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil, Options{})
	scope := Scope{Tenant: testkit.Name("t"), Region: "se"}
	data := payload(4, 2*chunkSize+3)
	ref := f.put(scope, data)
	first := payload(5, 1000)
	firstRef := f.put(scope, first)
	for _, id := range []string{"se/a", "se/b", "se/c"} {
		flipByte(t, f.copyPath(id, ref), chunkSize+1) // the same byte everywhere
		flipByte(t, f.copyPath(id, firstRef), 0)
	}
	// The first chunk verifies and is served; the second fails on every site, and the
	// reader stops with ErrCorrupt before handing out a byte of it.
	got, err := f.read(ref)
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("read of an object with no good copy: %v", err)
	}
	if !bytes.Equal(got, data[:chunkSize]) {
		t.Fatalf("served %d bytes, want exactly the verified first chunk", len(got))
	}
	if _, err := f.s.Get(ctx, firstRef); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("get with every copy corrupt in the first chunk: %v", err)
	}
	// Two copies bad and the third site down: unavailable, not corrupt.
	if err := os.WriteFile(f.copyPath("se/c", firstRef), first, 0o600); err != nil {
		t.Fatal(err)
	}
	f.faults["se/c"].down.Store(true)
	if _, err := f.s.Get(ctx, firstRef); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("get with the only good copy on a down site: %v", err)
	}
	f.faults["se/c"].down.Store(false)
	f.mustRead(firstRef, first)

	rep, err := f.s.Scrub(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Lost) != 1 || rep.Lost[0] != ref.ID {
		t.Fatalf("scrub lost: %v", rep.Lost)
	}
	// Nothing was "repaired" with wrong bytes: the damaged copies are as they were.
	for _, id := range []string{"se/a", "se/b", "se/c"} {
		b, _ := os.ReadFile(f.copyPath(id, ref))
		if len(b) != len(data) || !bytes.Equal(b[:chunkSize], data[:chunkSize]) || b[chunkSize+1] != data[chunkSize+1]^0xff {
			t.Fatalf("scrub rewrote the lost object's copy on %s", id)
		}
	}
	f.mustRead(firstRef, first)
}

func TestFaultTwoSitesBroken(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil, Options{})
	scope := Scope{Tenant: testkit.Name("t"), Region: "se"}
	var l load
	for i := range 3 {
		data := payload(uint64(i), sizeFor(i))
		l.add(f.put(scope, data), data)
	}
	// se/a fills up in the middle of the next write; se/b's directory is gone.
	f.faults["se/a"].spaceLeft.Store(chunkSize / 2)
	if err := os.RemoveAll(f.dirs["se/b"]); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		_, err := f.s.Put(ctx, scope, bytes.NewReader(payload(uint64(100+i), 2*chunkSize)))
		if !errors.Is(err, ErrUnavailable) {
			t.Fatalf("write with two sites broken: %v", err)
		}
		if !strings.Contains(err.Error(), "se/a") || !strings.Contains(err.Error(), "se/b") {
			t.Fatalf("error does not name the failed sites: %v", err)
		}
	}
	for _, id := range []string{"se/a", "se/c"} {
		if tmp := tempFiles(t, f.dirs[id]); len(tmp) != 0 {
			t.Fatalf("%s: refused writes left %v", id, tmp)
		}
		if n := len(files(t, f.dirs[id])); n != len(l.refs) {
			t.Fatalf("%s holds %d files, want only the %d acknowledged objects", id, n, len(l.refs))
		}
	}
	// The third site serves every acknowledged object; a copy broken there as well is
	// refused rather than served.
	f.faults["se/a"].down.Store(true)
	l.verify(f)
	flipByte(t, f.copyPath("se/c", l.refs[0]), 0)
	if got, err := f.read(l.refs[0]); !errors.Is(err, ErrUnavailable) || len(got) != 0 {
		t.Fatalf("served %d bytes of an object whose only reachable copy is corrupt: %v", len(got), err)
	}
	// Back to health: the damaged copy comes back from se/a.
	f.faults["se/a"].down.Store(false)
	f.faults["se/a"].spaceLeft.Store(-1)
	if err := os.Mkdir(f.dirs["se/b"], 0o700); err != nil {
		t.Fatal(err)
	}
	f.converge(ctx)
	l.verify(f)
	l.onDisk(f, "se")
}

// TestResidency: a tenant in de never has a byte on an se site, and after a move to de
// nothing of it is left in se.
func TestResidency(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil, Options{})
	de := Scope{Tenant: testkit.Name("de"), Region: "de"}
	se := Scope{Tenant: testkit.Name("se"), Region: "se"}
	canaryDE := []byte("CANARY-DE-7f3a9c")
	canarySE := []byte("CANARY-SE-91b2e4")
	withCanary := func(c []byte, i int) []byte {
		return append(append(payload(uint64(i), sizeFor(i)), c...), payload(uint64(i+50), 1000)...)
	}
	for i := range 5 {
		f.put(de, withCanary(canaryDE, i))
		f.put(se, withCanary(canarySE, i))
	}
	// A repair and a scrub must not spread data either.
	f.faults["de/b"].down.Store(true)
	f.put(de, withCanary(canaryDE, 9))
	f.faults["de/b"].down.Store(false)
	f.converge(ctx)

	holds := func(region, tenant string, canary []byte) int {
		n := 0
		for _, st := range f.s.regions[region].sites {
			for _, p := range files(t, f.dirs[st.ID()]) {
				b, err := os.ReadFile(p)
				if err != nil {
					t.Fatal(err)
				}
				if bytes.Contains(b, canary) || strings.Contains(filepath.ToSlash(p), "/"+tenant+"/") {
					n++
				}
			}
		}
		return n
	}
	if n := holds("se", de.Tenant, canaryDE); n != 0 {
		t.Fatalf("%d files of the de tenant on se sites", n)
	}
	if n := holds("de", se.Tenant, canarySE); n != 0 {
		t.Fatalf("%d files of the se tenant on de sites", n)
	}
	if n := holds("de", de.Tenant, canaryDE); n != 18 {
		t.Fatalf("de sites hold %d files of the de tenant, want 3 × 6", n)
	}
	if err := f.s.MoveTenant(ctx, se.Tenant, "de", nil); err != nil {
		t.Fatal(err)
	}
	if n := holds("se", se.Tenant, canarySE); n != 0 {
		t.Fatalf("%d files of the moved tenant left on se sites", n)
	}
	if n := holds("de", se.Tenant, canarySE); n != 15 {
		t.Fatalf("de sites hold %d files of the moved tenant, want 15", n)
	}
}

// TestEraseOverwrites: a deleted copy's blocks are overwritten before the unlink (seen
// through a second hard link to the same file).
func TestEraseOverwrites(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, nil, Options{})
	scope := Scope{Tenant: testkit.Name("t"), Region: "se"}
	data := payload(8, 300_000)
	ref := f.put(scope, data)
	var links []string
	for _, id := range []string{"se/a", "se/b", "se/c"} {
		link := filepath.Join(t.TempDir(), "link")
		if err := os.Link(f.copyPath(id, ref), link); err != nil {
			t.Fatal(err)
		}
		links = append(links, link)
	}
	if err := f.s.Delete(ctx, ref); err != nil {
		t.Fatal(err)
	}
	for _, link := range links {
		b, err := os.ReadFile(link)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) != len(data) || bytes.Equal(b, data) || bytes.Contains(b, data[1000:1064]) {
			t.Fatal("the erased copy's bytes are still there")
		}
	}
}
