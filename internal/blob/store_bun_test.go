package blob

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/securemailbox/securemailbox/internal/testkit"
)

// TestCatalog exercises the catalog's state machine directly on SQLite and PostgreSQL.
func TestCatalog(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		c := newBunCatalog(bdb)
		now := time.Date(2026, 12, 1, 10, 0, 0, 123456000, time.UTC)
		tenant := testkit.Name("t")
		row := func() objectRow {
			return objectRow{ID: newObjectID(), Tenant: tenant, Region: "se", State: stateWriting, ChunkSize: chunkSize, CreatedAt: now, UpdatedAt: now}
		}
		sum := make([]byte, 32)
		sum[0] = 9

		t.Run("WriteCommit", func(t *testing.T) {
			o := row()
			if err := c.insertWriting(ctx, o); err != nil {
				t.Fatal(err)
			}
			if err := c.insertWriting(ctx, o); err == nil {
				t.Fatal("duplicate id accepted")
			}
			o.Size, o.SHA256, o.Chunks, o.Degraded = 5, sum, sum, true
			copies := []copyRow{{ObjectID: o.ID, Site: "se/a", State: copyOK, CheckedAt: now}, {ObjectID: o.ID, Site: "se/b", State: copyMissing, CheckedAt: now}}
			if err := c.commitWriting(ctx, o, copies); err != nil {
				t.Fatal(err)
			}
			if err := c.commitWriting(ctx, o, nil); !errors.Is(err, errStale) {
				t.Fatalf("second commit: %v", err)
			}
			got, cs, err := c.object(ctx, o.ID, tenant)
			if err != nil {
				t.Fatal(err)
			}
			if got.State != stateCommitted || got.Size != 5 || string(got.SHA256) != string(sum) || !got.Degraded || len(cs) != 2 || !got.CreatedAt.Equal(now) {
				t.Fatalf("row %+v copies %+v", got, cs)
			}
			if _, _, err := c.object(ctx, o.ID, "other"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("other tenant: %v", err)
			}
			if err := c.setCopies(ctx, o.ID, "de", nil, false, now); !errors.Is(err, errStale) {
				t.Fatalf("set copies in the wrong region: %v", err)
			}
			if err := c.setCopies(ctx, o.ID, "se", copies[:1], false, now); err != nil {
				t.Fatal(err)
			}
			if got, cs, _ := c.object(ctx, o.ID, ""); got.Degraded || len(cs) != 1 {
				t.Fatalf("after setCopies: %+v %+v", got, cs)
			}
		})

		t.Run("AbandonAndDelete", func(t *testing.T) {
			o := row()
			if err := c.insertWriting(ctx, o); err != nil {
				t.Fatal(err)
			}
			rows, err := c.writingBefore(ctx, now.Add(time.Second), 100)
			if err != nil || !containsID(rows, o.ID) {
				t.Fatalf("writingBefore: %v %v", rows, err)
			}
			if rows, _ := c.writingBefore(ctx, now, 100); containsID(rows, o.ID) {
				t.Fatal("writingBefore includes a row created at the cutoff")
			}
			dels := []deletionRow{{ObjectID: o.ID, Site: "se/a", Key: "k"}, {ObjectID: o.ID, Site: "se/b", Key: "k"}}
			if err := c.abandonWriting(ctx, o.ID, now, dels, now); !errors.Is(err, errStale) {
				t.Fatalf("abandon of a young write: %v", err)
			}
			if err := c.abandonWriting(ctx, o.ID, now.Add(time.Second), dels, now); err != nil {
				t.Fatal(err)
			}
			o.Size, o.SHA256, o.Chunks = 1, sum, sum
			if err := c.commitWriting(ctx, o, nil); !errors.Is(err, errStale) {
				t.Fatalf("commit after abandon: %v", err)
			}
			st, err := c.states(ctx, []string{o.ID, "unknown"})
			if err != nil || st[o.ID].State != stateDeleting || len(st) != 1 {
				t.Fatalf("states: %v %v", st, err)
			}
			p, err := c.pendingOn(ctx, "se/a", []string{o.ID})
			if err != nil || !p[o.ID] {
				t.Fatalf("pendingOn: %v %v", p, err)
			}
			if err := c.deletionFailed(ctx, o.ID, "se/a", "down", now); err != nil {
				t.Fatal(err)
			}
			d, err := c.deletion(ctx, o.ID, "se/a")
			if err != nil || d.Attempts != 1 || d.LastError != "down" || d.Key != "k" {
				t.Fatalf("deletion: %+v %v", d, err)
			}
			page, err := c.listDeletions(ctx, o.ID, "se/a", 10)
			if err != nil || len(page) == 0 || page[0].Site != "se/b" {
				t.Fatalf("listDeletions after (id, se/a): %+v %v", page, err)
			}
			if err := c.deletionDone(ctx, o.ID, "se/a"); err != nil {
				t.Fatal(err)
			}
			if _, _, err := c.object(ctx, o.ID, ""); err != nil {
				t.Fatal("row dropped while a deletion is pending")
			}
			if err := c.deletionDone(ctx, o.ID, "se/b"); err != nil {
				t.Fatal(err)
			}
			if _, _, err := c.object(ctx, o.ID, ""); !errors.Is(err, ErrNotFound) {
				t.Fatalf("row after the last deletion: %v", err)
			}
			if _, err := c.deletion(ctx, o.ID, "se/b"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("finished deletion: %v", err)
			}
		})

		t.Run("MarkDeleting", func(t *testing.T) {
			o := row()
			_ = c.insertWriting(ctx, o)
			dels := []deletionRow{{ObjectID: o.ID, Site: "se/a", Key: "k"}}
			if err := c.markDeleting(ctx, o.ID, tenant, dels, now); !errors.Is(err, ErrNotFound) {
				t.Fatalf("delete of a writing row: %v", err)
			}
			o.Size, o.SHA256, o.Chunks = 1, sum, sum
			_ = c.commitWriting(ctx, o, nil)
			if err := c.markDeleting(ctx, o.ID, "other", dels, now); !errors.Is(err, ErrNotFound) {
				t.Fatalf("delete as another tenant: %v", err)
			}
			if err := c.markDeleting(ctx, o.ID, tenant, dels, now); err != nil {
				t.Fatal(err)
			}
			if err := c.markDeleting(ctx, o.ID, tenant, dels, now); err != nil {
				t.Fatalf("repeated delete: %v", err)
			}
			if rows, _ := c.listCommitted(ctx, "", 1000); containsID(rows, o.ID) {
				t.Fatal("deleting row listed as committed")
			}
		})

		t.Run("Move", func(t *testing.T) {
			mt := testkit.Name("m")
			if _, err := c.move(ctx, mt); !errors.Is(err, ErrNotFound) {
				t.Fatalf("no move yet: %v", err)
			}
			var ids []string
			for range 3 {
				o := objectRow{ID: newObjectID(), Tenant: mt, Region: "se", ChunkSize: chunkSize, CreatedAt: now, UpdatedAt: now, Size: 1, SHA256: sum, Chunks: sum}
				_ = c.insertWriting(ctx, o)
				if err := c.commitWriting(ctx, o, nil); err != nil {
					t.Fatal(err)
				}
				ids = append(ids, o.ID)
			}
			m, err := c.startMove(ctx, mt, "de", now)
			if err != nil || m.State != moveRunning || m.ToRegion != "de" {
				t.Fatalf("start: %+v %v", m, err)
			}
			total, in, err := c.tenantCounts(ctx, mt, "de")
			if err != nil || total != 3 || in != 0 {
				t.Fatalf("counts: %d %d %v", total, in, err)
			}
			out, err := c.listOutside(ctx, mt, "de", "", 2)
			if err != nil || len(out) != 2 {
				t.Fatalf("listOutside: %v %v", out, err)
			}
			cp := []copyRow{{ObjectID: ids[0], Site: "de/a", State: copyOK, CheckedAt: now}}
			dels := []deletionRow{{ObjectID: ids[0], Site: "se/a", Key: "k"}}
			if err := c.switchRegion(ctx, ids[0], "de", "se", cp, false, dels, now); !errors.Is(err, errStale) {
				t.Fatalf("switch from the wrong region: %v", err)
			}
			if err := c.switchRegion(ctx, ids[0], "se", "de", cp, true, dels, now); err != nil {
				t.Fatal(err)
			}
			got, cs, _ := c.object(ctx, ids[0], "")
			if got.Region != "de" || !got.Degraded || len(cs) != 1 || cs[0].Site != "de/a" {
				t.Fatalf("after switch: %+v %+v", got, cs)
			}
			if p, _ := c.pendingOn(ctx, "se/a", []string{ids[0]}); !p[ids[0]] {
				t.Fatal("old copy's deletion not recorded")
			}
			if n, err := c.writingOutside(ctx, mt, "de"); err != nil || n != 0 {
				t.Fatalf("writingOutside: %d %v", n, err)
			}
			if err := c.moveProgress(ctx, mt, 1, 3, now); err != nil {
				t.Fatal(err)
			}
			if m, _ := c.startMove(ctx, mt, "de", now.Add(time.Minute)); m.Moved != 1 || !m.StartedAt.Equal(now) {
				t.Fatalf("restart of the same move reset it: %+v", m)
			}
			if err := c.finishMove(ctx, mt, now); err != nil {
				t.Fatal(err)
			}
			if m, _ := c.move(ctx, mt); m.State != moveDone || m.FinishedAt == nil {
				t.Fatalf("finished: %+v", m)
			}
			if m, _ := c.startMove(ctx, mt, "us", now); m.State != moveRunning || m.Moved != 0 || m.FinishedAt != nil {
				t.Fatalf("new move: %+v", m)
			}
		})
	})
}

func containsID(rows []objectRow, id string) bool {
	for _, r := range rows {
		if r.ID == id {
			return true
		}
	}
	return false
}
