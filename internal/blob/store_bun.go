package blob

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

type bunObject struct {
	bun.BaseModel `bun:"table:blob_objects,alias:o"`

	ID        string    `bun:"id,pk"`
	TenantID  string    `bun:"tenant_id"`
	Region    string    `bun:"region"`
	State     string    `bun:"state"`
	Size      int64     `bun:"size"`
	SHA256    []byte    `bun:"sha256"`
	ChunkSize int64     `bun:"chunk_size"`
	Chunks    []byte    `bun:"chunks"`
	Degraded  bool      `bun:"degraded"`
	CreatedAt time.Time `bun:"created_at"`
	UpdatedAt time.Time `bun:"updated_at"`
}

type bunCopy struct {
	bun.BaseModel `bun:"table:blob_copies,alias:c"`

	ObjectID  string    `bun:"object_id,pk"`
	Site      string    `bun:"site,pk"`
	State     string    `bun:"state"`
	CheckedAt time.Time `bun:"checked_at"`
}

type bunDeletion struct {
	bun.BaseModel `bun:"table:blob_deletions,alias:d"`

	ObjectID  string    `bun:"object_id,pk"`
	Site      string    `bun:"site,pk"`
	Key       string    `bun:"object_key"`
	Attempts  int       `bun:"attempts"`
	LastError string    `bun:"last_error"`
	CreatedAt time.Time `bun:"created_at"`
	UpdatedAt time.Time `bun:"updated_at"`
}

type bunMove struct {
	bun.BaseModel `bun:"table:blob_moves,alias:m"`

	TenantID   string     `bun:"tenant_id,pk"`
	ToRegion   string     `bun:"to_region"`
	State      string     `bun:"state"`
	Total      int64      `bun:"total"`
	Moved      int64      `bun:"moved"`
	StartedAt  time.Time  `bun:"started_at"`
	UpdatedAt  time.Time  `bun:"updated_at"`
	FinishedAt *time.Time `bun:"finished_at"`
}

func toBunObject(o objectRow) *bunObject {
	return &bunObject{
		ID: o.ID, TenantID: o.Tenant, Region: o.Region, State: o.State, Size: o.Size,
		SHA256: o.SHA256, ChunkSize: o.ChunkSize, Chunks: o.Chunks, Degraded: o.Degraded,
		CreatedAt: o.CreatedAt.UTC(), UpdatedAt: o.UpdatedAt.UTC(),
	}
}

func (b *bunObject) row() objectRow {
	return objectRow{
		ID: b.ID, Tenant: b.TenantID, Region: b.Region, State: b.State, Size: b.Size,
		SHA256: b.SHA256, ChunkSize: b.ChunkSize, Chunks: b.Chunks, Degraded: b.Degraded,
		CreatedAt: b.CreatedAt.UTC(), UpdatedAt: b.UpdatedAt.UTC(),
	}
}

func toBunCopies(cs []copyRow) []bunCopy {
	out := make([]bunCopy, len(cs))
	for i, c := range cs {
		out[i] = bunCopy{ObjectID: c.ObjectID, Site: c.Site, State: c.State, CheckedAt: c.CheckedAt.UTC()}
	}
	return out
}

func toBunDeletions(ds []deletionRow, now time.Time) []bunDeletion {
	out := make([]bunDeletion, len(ds))
	for i, d := range ds {
		out[i] = bunDeletion{ObjectID: d.ObjectID, Site: d.Site, Key: d.Key, CreatedAt: now.UTC(), UpdatedAt: now.UTC()}
	}
	return out
}

func (b *bunDeletion) row() deletionRow {
	return deletionRow{
		ObjectID: b.ObjectID, Site: b.Site, Key: b.Key, Attempts: b.Attempts, LastError: b.LastError,
		CreatedAt: b.CreatedAt.UTC(), UpdatedAt: b.UpdatedAt.UTC(),
	}
}

func (b *bunMove) row() moveRow {
	m := moveRow{
		Tenant: b.TenantID, ToRegion: b.ToRegion, State: b.State, Total: b.Total, Moved: b.Moved,
		StartedAt: b.StartedAt.UTC(), UpdatedAt: b.UpdatedAt.UTC(),
	}
	if b.FinishedAt != nil {
		t := b.FinishedAt.UTC()
		m.FinishedAt = &t
	}
	return m
}

// bunCatalog is the catalog on bun, for SQLite and PostgreSQL alike.
type bunCatalog struct {
	db *bun.DB
}

func newBunCatalog(db *bun.DB) *bunCatalog { return &bunCatalog{db: db} }

// whereTenant is the one place where a tenant predicate is added to an object query;
// tenant "" is the store's own maintenance, which spans tenants.
func whereTenant(q *bun.SelectQuery, tenant string) *bun.SelectQuery {
	if tenant == "" {
		return q
	}
	return q.Where("o.tenant_id = ?", tenant)
}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return err
}

func (c *bunCatalog) insertWriting(ctx context.Context, o objectRow) error {
	o.State = stateWriting
	if _, err := c.db.NewInsert().Model(toBunObject(o)).Exec(ctx); err != nil {
		return fmt.Errorf("blob: catalog: insert %s: %w", o.ID, err)
	}
	return nil
}

func (c *bunCatalog) commitWriting(ctx context.Context, o objectRow, copies []copyRow) error {
	return c.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*bunObject)(nil)).
			Set("state = ?", stateCommitted).
			Set("size = ?", o.Size).
			Set("sha256 = ?", o.SHA256).
			Set("chunks = ?", o.Chunks).
			Set("degraded = ?", o.Degraded).
			Set("updated_at = ?", o.UpdatedAt.UTC()).
			Where("id = ?", o.ID).
			Where("state = ?", stateWriting).
			Exec(ctx)
		if err != nil {
			return fmt.Errorf("blob: catalog: commit %s: %w", o.ID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("blob: catalog: commit %s: %w", o.ID, errStale)
		}
		if len(copies) > 0 {
			bc := toBunCopies(copies)
			if _, err := tx.NewInsert().Model(&bc).Exec(ctx); err != nil {
				return fmt.Errorf("blob: catalog: copies of %s: %w", o.ID, err)
			}
		}
		return nil
	})
}

func (c *bunCatalog) deleteWriting(ctx context.Context, id string) error {
	if _, err := c.db.NewDelete().Model((*bunObject)(nil)).
		Where("id = ?", id).Where("state = ?", stateWriting).Exec(ctx); err != nil {
		return fmt.Errorf("blob: catalog: delete %s: %w", id, err)
	}
	return nil
}

func (c *bunCatalog) object(ctx context.Context, id, tenant string) (objectRow, []copyRow, error) {
	var o bunObject
	if err := whereTenant(c.db.NewSelect().Model(&o).Where("o.id = ?", id), tenant).Scan(ctx); err != nil {
		return objectRow{}, nil, fmt.Errorf("blob: catalog: object %s: %w", id, notFound(err))
	}
	var cs []bunCopy
	if err := c.db.NewSelect().Model(&cs).Where("object_id = ?", id).Order("site").Scan(ctx); err != nil {
		return objectRow{}, nil, fmt.Errorf("blob: catalog: copies of %s: %w", id, err)
	}
	copies := make([]copyRow, len(cs))
	for i, b := range cs {
		copies[i] = copyRow{ObjectID: b.ObjectID, Site: b.Site, State: b.State, CheckedAt: b.CheckedAt.UTC()}
	}
	return o.row(), copies, nil
}

// replaceCopies writes the full set of copy rows of an object.
func replaceCopies(ctx context.Context, tx bun.Tx, id string, copies []copyRow) error {
	if _, err := tx.NewDelete().Model((*bunCopy)(nil)).Where("object_id = ?", id).Exec(ctx); err != nil {
		return fmt.Errorf("blob: catalog: clear copies of %s: %w", id, err)
	}
	if len(copies) == 0 {
		return nil
	}
	bc := toBunCopies(copies)
	if _, err := tx.NewInsert().Model(&bc).Exec(ctx); err != nil {
		return fmt.Errorf("blob: catalog: copies of %s: %w", id, err)
	}
	return nil
}

func (c *bunCatalog) setCopies(ctx context.Context, id, region string, copies []copyRow, degraded bool, now time.Time) error {
	return c.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*bunObject)(nil)).
			Set("degraded = ?", degraded).
			Set("updated_at = ?", now.UTC()).
			Where("id = ?", id).Where("region = ?", region).Where("state = ?", stateCommitted).
			Exec(ctx)
		if err != nil {
			return fmt.Errorf("blob: catalog: update %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("blob: catalog: update %s: %w", id, errStale)
		}
		return replaceCopies(ctx, tx, id, copies)
	})
}

func (c *bunCatalog) listCommitted(ctx context.Context, afterID string, limit int) ([]objectRow, error) {
	var bs []bunObject
	if err := c.db.NewSelect().Model(&bs).
		Where("o.state = ?", stateCommitted).Where("o.id > ?", afterID).
		Order("o.id").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("blob: catalog: list: %w", err)
	}
	return objectRows(bs), nil
}

func objectRows(bs []bunObject) []objectRow {
	out := make([]objectRow, len(bs))
	for i := range bs {
		out[i] = bs[i].row()
	}
	return out
}

func insertDeletions(ctx context.Context, tx bun.Tx, dels []deletionRow, now time.Time) error {
	if len(dels) == 0 {
		return nil
	}
	bd := toBunDeletions(dels, now)
	if _, err := tx.NewInsert().Model(&bd).On("CONFLICT (object_id, site) DO NOTHING").Exec(ctx); err != nil {
		return fmt.Errorf("blob: catalog: record deletions: %w", err)
	}
	return nil
}

func (c *bunCatalog) markDeleting(ctx context.Context, id, tenant string, dels []deletionRow, now time.Time) error {
	return c.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		q := tx.NewUpdate().Model((*bunObject)(nil)).
			Set("state = ?", stateDeleting).Set("updated_at = ?", now.UTC()).
			Where("id = ?", id).Where("state IN (?)", bun.List([]string{stateCommitted, stateDeleting}))
		if tenant != "" {
			q = q.Where("tenant_id = ?", tenant)
		}
		res, err := q.Exec(ctx)
		if err != nil {
			return fmt.Errorf("blob: catalog: delete %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("blob: catalog: delete %s: %w", id, ErrNotFound)
		}
		return insertDeletions(ctx, tx, dels, now)
	})
}

func (c *bunCatalog) abandonWriting(ctx context.Context, id string, cutoff time.Time, dels []deletionRow, now time.Time) error {
	return c.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*bunObject)(nil)).
			Set("state = ?", stateDeleting).Set("updated_at = ?", now.UTC()).
			Where("id = ?", id).Where("state = ?", stateWriting).Where("created_at < ?", cutoff.UTC()).
			Exec(ctx)
		if err != nil {
			return fmt.Errorf("blob: catalog: abandon %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("blob: catalog: abandon %s: %w", id, errStale)
		}
		return insertDeletions(ctx, tx, dels, now)
	})
}

func (c *bunCatalog) deletion(ctx context.Context, id, site string) (deletionRow, error) {
	var d bunDeletion
	if err := c.db.NewSelect().Model(&d).Where("object_id = ?", id).Where("site = ?", site).Scan(ctx); err != nil {
		return deletionRow{}, fmt.Errorf("blob: catalog: deletion %s on %s: %w", id, site, notFound(err))
	}
	return d.row(), nil
}

func (c *bunCatalog) listDeletions(ctx context.Context, afterID, afterSite string, limit int) ([]deletionRow, error) {
	var bs []bunDeletion
	if err := c.db.NewSelect().Model(&bs).
		Where("object_id > ? OR (object_id = ? AND site > ?)", afterID, afterID, afterSite).
		Order("object_id", "site").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("blob: catalog: list deletions: %w", err)
	}
	out := make([]deletionRow, len(bs))
	for i := range bs {
		out[i] = bs[i].row()
	}
	return out, nil
}

func (c *bunCatalog) deletionDone(ctx context.Context, id, site string) error {
	return c.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		// Lock the object row first: concurrent erasures of one object's copies then
		// finish one after the other, and the last one sees that none is left.
		if _, err := tx.NewUpdate().Model((*bunObject)(nil)).Set("updated_at = updated_at").
			Where("id = ?", id).Exec(ctx); err != nil {
			return fmt.Errorf("blob: catalog: lock %s: %w", id, err)
		}
		if _, err := tx.NewDelete().Model((*bunDeletion)(nil)).
			Where("object_id = ?", id).Where("site = ?", site).Exec(ctx); err != nil {
			return fmt.Errorf("blob: catalog: finish deletion %s on %s: %w", id, site, err)
		}
		left, err := tx.NewSelect().Model((*bunDeletion)(nil)).Where("object_id = ?", id).Count(ctx)
		if err != nil {
			return fmt.Errorf("blob: catalog: count deletions of %s: %w", id, err)
		}
		if left > 0 {
			return nil
		}
		// Copy rows go with the object row (ON DELETE CASCADE).
		if _, err := tx.NewDelete().Model((*bunObject)(nil)).
			Where("id = ?", id).Where("state = ?", stateDeleting).Exec(ctx); err != nil {
			return fmt.Errorf("blob: catalog: drop %s: %w", id, err)
		}
		return nil
	})
}

func (c *bunCatalog) deletionFailed(ctx context.Context, id, site, reason string, now time.Time) error {
	if len(reason) > 500 {
		reason = reason[:500]
	}
	if _, err := c.db.NewUpdate().Model((*bunDeletion)(nil)).
		Set("attempts = attempts + 1").Set("last_error = ?", reason).Set("updated_at = ?", now.UTC()).
		Where("object_id = ?", id).Where("site = ?", site).Exec(ctx); err != nil {
		return fmt.Errorf("blob: catalog: deletion %s on %s: %w", id, site, err)
	}
	return nil
}

func (c *bunCatalog) writingBefore(ctx context.Context, cutoff time.Time, limit int) ([]objectRow, error) {
	var bs []bunObject
	if err := c.db.NewSelect().Model(&bs).
		Where("o.state = ?", stateWriting).Where("o.created_at < ?", cutoff.UTC()).
		Order("o.created_at", "o.id").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("blob: catalog: list writes: %w", err)
	}
	return objectRows(bs), nil
}

func (c *bunCatalog) states(ctx context.Context, ids []string) (map[string]objectState, error) {
	out := make(map[string]objectState, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var bs []bunObject
	if err := c.db.NewSelect().Model(&bs).Column("id", "state", "region").
		Where("o.id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("blob: catalog: states: %w", err)
	}
	for _, b := range bs {
		out[b.ID] = objectState{State: b.State, Region: b.Region}
	}
	return out, nil
}

func (c *bunCatalog) pendingOn(ctx context.Context, site string, ids []string) (map[string]bool, error) {
	out := make(map[string]bool)
	if len(ids) == 0 {
		return out, nil
	}
	var bs []bunDeletion
	if err := c.db.NewSelect().Model(&bs).Column("object_id").
		Where("site = ?", site).Where("object_id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("blob: catalog: pending deletions: %w", err)
	}
	for _, b := range bs {
		out[b.ObjectID] = true
	}
	return out, nil
}

func (c *bunCatalog) startMove(ctx context.Context, tenant, toRegion string, now time.Time) (moveRow, error) {
	var out moveRow
	err := c.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var m bunMove
		err := tx.NewSelect().Model(&m).Where("tenant_id = ?", tenant).Scan(ctx)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			m = bunMove{TenantID: tenant, ToRegion: toRegion, State: moveRunning, StartedAt: now.UTC(), UpdatedAt: now.UTC()}
			if _, err := tx.NewInsert().Model(&m).Exec(ctx); err != nil {
				return fmt.Errorf("blob: catalog: start move of %s: %w", tenant, err)
			}
		case err != nil:
			return fmt.Errorf("blob: catalog: move of %s: %w", tenant, err)
		case m.ToRegion != toRegion || m.State != moveRunning:
			m.ToRegion, m.State, m.Moved, m.Total = toRegion, moveRunning, 0, 0
			m.StartedAt, m.UpdatedAt, m.FinishedAt = now.UTC(), now.UTC(), nil
			if _, err := tx.NewUpdate().Model(&m).WherePK().Exec(ctx); err != nil {
				return fmt.Errorf("blob: catalog: restart move of %s: %w", tenant, err)
			}
		}
		out = m.row()
		return nil
	})
	return out, err
}

func (c *bunCatalog) move(ctx context.Context, tenant string) (moveRow, error) {
	var m bunMove
	if err := c.db.NewSelect().Model(&m).Where("tenant_id = ?", tenant).Scan(ctx); err != nil {
		return moveRow{}, fmt.Errorf("blob: catalog: move of %s: %w", tenant, notFound(err))
	}
	return m.row(), nil
}

func (c *bunCatalog) moveProgress(ctx context.Context, tenant string, moved, total int64, now time.Time) error {
	if _, err := c.db.NewUpdate().Model((*bunMove)(nil)).
		Set("moved = ?", moved).Set("total = ?", total).Set("updated_at = ?", now.UTC()).
		Where("tenant_id = ?", tenant).Exec(ctx); err != nil {
		return fmt.Errorf("blob: catalog: move progress of %s: %w", tenant, err)
	}
	return nil
}

func (c *bunCatalog) finishMove(ctx context.Context, tenant string, now time.Time) error {
	if _, err := c.db.NewUpdate().Model((*bunMove)(nil)).
		Set("state = ?", moveDone).Set("updated_at = ?", now.UTC()).Set("finished_at = ?", now.UTC()).
		Where("tenant_id = ?", tenant).Exec(ctx); err != nil {
		return fmt.Errorf("blob: catalog: finish move of %s: %w", tenant, err)
	}
	return nil
}

func (c *bunCatalog) tenantCounts(ctx context.Context, tenant, region string) (int64, int64, error) {
	total, err := c.db.NewSelect().Model((*bunObject)(nil)).
		Where("o.tenant_id = ?", tenant).Where("o.state = ?", stateCommitted).Count(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("blob: catalog: count objects of %s: %w", tenant, err)
	}
	in, err := c.db.NewSelect().Model((*bunObject)(nil)).
		Where("o.tenant_id = ?", tenant).Where("o.state = ?", stateCommitted).Where("o.region = ?", region).Count(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("blob: catalog: count objects of %s: %w", tenant, err)
	}
	return int64(total), int64(in), nil
}

func (c *bunCatalog) listOutside(ctx context.Context, tenant, region, afterID string, limit int) ([]objectRow, error) {
	var bs []bunObject
	if err := c.db.NewSelect().Model(&bs).
		Where("o.tenant_id = ?", tenant).Where("o.state = ?", stateCommitted).
		Where("o.region <> ?", region).Where("o.id > ?", afterID).
		Order("o.id").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("blob: catalog: list objects of %s: %w", tenant, err)
	}
	return objectRows(bs), nil
}

func (c *bunCatalog) writingOutside(ctx context.Context, tenant, region string) (int, error) {
	n, err := c.db.NewSelect().Model((*bunObject)(nil)).
		Where("o.tenant_id = ?", tenant).Where("o.state = ?", stateWriting).Where("o.region <> ?", region).Count(ctx)
	if err != nil {
		return 0, fmt.Errorf("blob: catalog: count writes of %s: %w", tenant, err)
	}
	return int(n), nil
}

func (c *bunCatalog) switchRegion(ctx context.Context, id, from, to string, copies []copyRow, degraded bool, dels []deletionRow, now time.Time) error {
	return c.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*bunObject)(nil)).
			Set("region = ?", to).Set("degraded = ?", degraded).Set("updated_at = ?", now.UTC()).
			Where("id = ?", id).Where("region = ?", from).Where("state = ?", stateCommitted).
			Exec(ctx)
		if err != nil {
			return fmt.Errorf("blob: catalog: switch %s: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("blob: catalog: switch %s: %w", id, errStale)
		}
		if err := replaceCopies(ctx, tx, id, copies); err != nil {
			return err
		}
		return insertDeletions(ctx, tx, dels, now)
	})
}
