package blob

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/securemailbox/securemailbox/internal/testkit"
)

// storeSuite is the behaviour every site kind and database must show. mk returns a fresh
// fixture with regions "se" and "de".
func storeSuite(t *testing.T, mk func(t *testing.T) *fixture) {
	ctx := context.Background()

	t.Run("RoundTrip", func(t *testing.T) {
		f := mk(t)
		scope := Scope{Tenant: testkit.Name("t"), Region: "se"}
		for i, size := range []int{0, 1, chunkSize - 1, chunkSize, chunkSize + 1, 5 * chunkSize / 2, s3PartSize + 3} {
			data := payload(uint64(i), size)
			ref := f.put(scope, data)
			f.mustRead(ref, data)
			info, err := f.s.Stat(ctx, ref)
			if err != nil {
				t.Fatal(err)
			}
			if info.Region != "se" || info.Degraded || len(info.Copies) != SitesPerRegion || info.Size != int64(size) {
				t.Fatalf("stat: %+v", info)
			}
			// A bare reference (id and tenant) works as well.
			f.mustRead(Ref{ID: ref.ID, Tenant: ref.Tenant}, data)
		}
		if n := len(f.q.take()); n != 0 {
			t.Fatalf("%d jobs enqueued for healthy writes", n)
		}
	})

	t.Run("TenantIsolation", func(t *testing.T) {
		f := mk(t)
		a := Scope{Tenant: testkit.Name("a"), Region: "se"}
		b := testkit.Name("b")
		data := payload(1, 1000)
		ref := f.put(a, data)
		other := Ref{ID: ref.ID, Tenant: b}
		if _, err := f.s.Get(ctx, other); !errors.Is(err, ErrNotFound) {
			t.Fatalf("get as other tenant: %v", err)
		}
		if _, err := f.s.Stat(ctx, other); !errors.Is(err, ErrNotFound) {
			t.Fatalf("stat as other tenant: %v", err)
		}
		if err := f.s.Delete(ctx, other); !errors.Is(err, ErrNotFound) {
			t.Fatalf("delete as other tenant: %v", err)
		}
		f.mustRead(ref, data)
		forged := ref
		forged.SHA256[0] ^= 1
		if _, err := f.s.Get(ctx, forged); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("get with a wrong checksum in the ref: %v", err)
		}
		for _, bad := range []Ref{{ID: "nope", Tenant: a.Tenant}, {ID: ref.ID, Tenant: "../x"}, {}} {
			if _, err := f.s.Get(ctx, bad); !errors.Is(err, ErrNotFound) {
				t.Fatalf("get %+v: %v", bad, err)
			}
		}
		if _, err := f.s.Put(ctx, Scope{Tenant: a.Tenant, Region: "us"}, strings.NewReader("x")); !errors.Is(err, ErrUnknownRegion) {
			t.Fatalf("put to unknown region: %v", err)
		}
		if _, err := f.s.Put(ctx, Scope{Tenant: "a/../b", Region: "se"}, strings.NewReader("x")); err == nil {
			t.Fatal("put with a path in the tenant id succeeded")
		}
	})

	t.Run("OneSiteDown", func(t *testing.T) {
		f := mk(t)
		scope := Scope{Tenant: testkit.Name("t"), Region: "se"}
		f.faults["se/b"].down.Store(true)
		data := payload(2, 3*chunkSize+5)
		ref := f.put(scope, data)
		info, _ := f.s.Stat(ctx, ref)
		if !info.Degraded {
			t.Fatal("write with a site down not recorded degraded")
		}
		if f.q.count(KindRepair) != 1 {
			t.Fatalf("repair jobs: %d", f.q.count(KindRepair))
		}
		f.mustRead(ref, data)
		if errs := f.q.run(ctx, f.s); len(errs) != 1 || !errors.Is(errs[0], ErrUnavailable) {
			t.Fatalf("repair while the site is down: %v", errs)
		}
		f.faults["se/b"].down.Store(false)
		f.converge(ctx)
		info, _ = f.s.Stat(ctx, ref)
		if info.Degraded {
			t.Fatalf("still degraded after repair: %+v", info)
		}
		f.faults["se/a"].down.Store(true)
		f.faults["se/c"].down.Store(true)
		f.mustRead(ref, data) // only the repaired copy is left
	})

	t.Run("TwoSitesDown", func(t *testing.T) {
		f := mk(t)
		scope := Scope{Tenant: testkit.Name("t"), Region: "se"}
		f.faults["se/a"].down.Store(true)
		f.faults["se/c"].down.Store(true)
		_, err := f.s.Put(ctx, scope, bytes.NewReader(payload(3, 2*chunkSize)))
		if !errors.Is(err, ErrUnavailable) {
			t.Fatalf("put with two sites down: %v", err)
		}
		f.faults["se/a"].down.Store(false)
		f.faults["se/c"].down.Store(false)
		for id, st := range f.s.sites {
			n := 0
			if err := st.List(ctx, func(entry) error { n++; return nil }); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Fatalf("%s holds %d entries after a refused write", id, n)
			}
		}
		if rows, _ := f.cat.writingBefore(ctx, f.clock.Now().Add(time.Hour), 10); len(rows) != 0 {
			t.Fatalf("refused write left %d catalog rows", len(rows))
		}
	})

	t.Run("Delete", func(t *testing.T) {
		f := mk(t)
		scope := Scope{Tenant: testkit.Name("t"), Region: "se"}
		keep := payload(4, 100)
		kept := f.put(scope, keep)
		ref := f.put(scope, payload(5, chunkSize+10))
		f.faults["se/c"].down.Store(true)
		if err := f.s.Delete(ctx, ref); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Get(ctx, ref); !errors.Is(err, ErrNotFound) {
			t.Fatalf("get after delete: %v", err)
		}
		if err := f.s.Delete(ctx, ref); err != nil {
			t.Fatalf("second delete (erasure still pending): %v", err)
		}
		if f.q.count(KindDelete) < 1 {
			t.Fatal("no deletion job for the site that was down")
		}
		key := objectKey(ref.Tenant, ref.ID)
		for _, id := range []string{"se/a", "se/b"} {
			if _, err := f.s.sites[id].Open(ctx, key, 0); !errors.Is(err, errNotExist) {
				t.Fatalf("%s still has the deleted copy: %v", id, err)
			}
		}
		// Scrub while the site is down: the object is not brought back.
		if rep, err := f.s.Scrub(ctx); err != nil || rep.PendingDeletions != 1 {
			t.Fatalf("scrub: %+v %v", rep, err)
		}
		f.faults["se/c"].down.Store(false)
		f.converge(ctx)
		if _, err := f.s.sites["se/c"].Open(ctx, key, 0); !errors.Is(err, errNotExist) {
			t.Fatalf("se/c still has the deleted copy: %v", err)
		}
		if _, _, err := f.cat.object(ctx, ref.ID, ""); !errors.Is(err, ErrNotFound) {
			t.Fatalf("catalog row outlived its copies: %v", err)
		}
		if err := f.s.Delete(ctx, ref); !errors.Is(err, ErrNotFound) {
			t.Fatalf("delete of a gone object: %v", err)
		}
		if err := f.s.Repair(ctx, ref.ID); err != nil {
			t.Fatalf("repair of a deleted object: %v", err)
		}
		if _, err := f.s.sites["se/a"].Open(ctx, key, 0); !errors.Is(err, errNotExist) {
			t.Fatal("repair brought a deleted object back")
		}
		f.mustRead(kept, keep)
	})

	t.Run("Orphans", func(t *testing.T) {
		f := mk(t)
		scope := Scope{Tenant: testkit.Name("t"), Region: "se"}
		kept := payload(6, 1234)
		ref := f.put(scope, kept)

		// A crash after the copies were written but before the commit: a writing row.
		now := f.clock.Now()
		crashed := objectRow{ID: newObjectID(), Tenant: scope.Tenant, Region: "se", ChunkSize: chunkSize, CreatedAt: now, UpdatedAt: now}
		if err := f.cat.insertWriting(ctx, crashed); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.writeCopies(ctx, f.s.regions["se"].sites, objectKey(scope.Tenant, crashed.ID), bytes.NewReader(payload(7, 300)), 3); err != nil {
			t.Fatal(err)
		}
		// A copy whose row never existed (the insert was lost).
		stray := newObjectID()
		if _, err := f.s.writeCopies(ctx, f.s.regions["se"].sites[:1], objectKey(scope.Tenant, stray), strings.NewReader("stray"), 1); err != nil {
			t.Fatal(err)
		}
		if n, err := f.s.CollectOrphans(ctx); err != nil || n != 0 {
			t.Fatalf("collected %d young things: %v", n, err)
		}
		f.clock.Advance(2 * time.Hour)
		f.clock.Advance(time.Since(now)) // site mtimes follow the real clock
		n, err := f.s.CollectOrphans(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != 2 {
			t.Fatalf("collected %d, want the abandoned write and the stray copy", n)
		}
		for id, st := range f.s.sites {
			for _, gone := range []string{crashed.ID, stray} {
				if _, err := st.Open(ctx, objectKey(scope.Tenant, gone), 0); !errors.Is(err, errNotExist) {
					t.Fatalf("%s: %s survived orphan collection: %v", id, gone, err)
				}
			}
		}
		if _, _, err := f.cat.object(ctx, crashed.ID, ""); !errors.Is(err, ErrNotFound) {
			t.Fatalf("abandoned row survived: %v", err)
		}
		f.mustRead(ref, kept)
		if n, err := f.s.CollectOrphans(ctx); err != nil || n != 0 {
			t.Fatalf("second collection: %d %v", n, err)
		}
	})

	t.Run("Move", func(t *testing.T) {
		f := mk(t)
		scope := Scope{Tenant: testkit.Name("t"), Region: "se"}
		other := Scope{Tenant: testkit.Name("o"), Region: "se"}
		var refs []Ref
		var datas [][]byte
		for i := range 4 {
			d := payload(uint64(10+i), i*chunkSize/2+7)
			refs = append(refs, f.put(scope, d))
			datas = append(datas, d)
		}
		otherRef := f.put(other, []byte("stays"))
		// Interrupted: the first attempt fails on a target site down at the wrong time.
		f.faults["de/a"].down.Store(true)
		f.faults["de/b"].down.Store(true)
		if err := f.s.MoveTenant(ctx, scope.Tenant, "de", nil); !errors.Is(err, ErrUnavailable) {
			t.Fatalf("move with two target sites down: %v", err)
		}
		// Meanwhile new writes go to the target region... which is refused while it is down.
		if _, err := f.s.Put(ctx, scope, strings.NewReader("new")); !errors.Is(err, ErrUnavailable) {
			t.Fatalf("put during a move: %v", err)
		}
		f.faults["de/a"].down.Store(false)
		f.faults["de/b"].down.Store(false)
		late := f.put(scope, []byte("written during the move"))
		var calls [][2]int
		if err := f.s.MoveTenant(ctx, scope.Tenant, "de", func(done, total int) { calls = append(calls, [2]int{done, total}) }); err != nil {
			t.Fatal(err)
		}
		if len(calls) < 2 || calls[len(calls)-1] != [2]int{5, 5} {
			t.Fatalf("progress calls: %v", calls)
		}
		for i, ref := range refs {
			f.mustRead(ref, datas[i])
			info, _ := f.s.Stat(ctx, ref)
			if info.Region != "de" || info.Degraded {
				t.Fatalf("after move: %+v", info)
			}
			for _, st := range f.s.regions["se"].sites {
				if _, err := st.Open(ctx, objectKey(ref.Tenant, ref.ID), 0); !errors.Is(err, errNotExist) {
					t.Fatalf("old copy on %s survived the move: %v", st.ID(), err)
				}
			}
		}
		if info, _ := f.s.Stat(ctx, late); info.Region != "de" {
			t.Fatalf("write during the move landed in %s", info.Region)
		}
		if info, _ := f.s.Stat(ctx, otherRef); info.Region != "se" {
			t.Fatalf("other tenant moved to %s", info.Region)
		}
		mi, err := f.s.MoveStatus(ctx, scope.Tenant)
		if err != nil || mi.Running || mi.Moved != 5 || mi.FinishedAt == nil {
			t.Fatalf("move status: %+v %v", mi, err)
		}
		if err := f.s.MoveTenant(ctx, scope.Tenant, "de", nil); err != nil {
			t.Fatalf("rerun: %v", err)
		}
		f.converge(ctx)
	})

	t.Run("Check", func(t *testing.T) {
		f := mk(t)
		f.faults["de/c"].down.Store(true)
		sts := f.s.Check(ctx)
		if len(sts) != 6 {
			t.Fatalf("%d statuses", len(sts))
		}
		for _, st := range sts {
			want := st.Site != "de/c"
			if st.Reachable != want || st.Writable != want || (st.Err == nil) != want {
				t.Fatalf("check %s: %+v", st.Site, st)
			}
			if want && st.Kind == KindDir && st.FreeBytes <= 0 {
				t.Fatalf("check %s: no free space reported", st.Site)
			}
			if want && st.Kind == KindS3 && (st.ClockSkew > 5*time.Second || st.ClockSkew < -5*time.Second) {
				t.Fatalf("check %s: clock skew %v", st.Site, st.ClockSkew)
			}
		}
		regs := f.s.Regions()
		if len(regs) != 2 || regs[0].ID != "se" || !regs[0].Default || len(regs[1].Sites) != 3 {
			t.Fatalf("regions: %+v", regs)
		}
	})
}
