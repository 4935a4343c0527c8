package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/securemailbox/securemailbox/internal/db"
)

// eventRow is the stored form of an Event.
type eventRow struct {
	bun.BaseModel `bun:"table:audit_events"`

	ID         string    `bun:"id,pk"`
	TenantID   string    `bun:"tenant_id,notnull"`
	At         time.Time `bun:"at,notnull"`
	Actor      string    `bun:"actor,notnull"`
	Action     string    `bun:"action,notnull"`
	ObjectKind string    `bun:"object_kind,notnull"`
	ObjectID   string    `bun:"object_id,notnull"`
	Result     string    `bun:"result,notnull"`
	IP         string    `bun:"ip,notnull"`
	Detail     string    `bun:"detail,notnull"` // a JSON object of string to string
}

// Store writes and reads the audit log. It only ever inserts and selects. It is safe for
// concurrent use.
type Store struct {
	db  *bun.DB
	now func() time.Time
}

// NewStore returns the store on bdb. Events without a time are stamped with the current time.
func NewStore(bdb *bun.DB) *Store {
	return &Store{db: bdb, now: time.Now}
}

// Record validates e and appends it, in the transaction ctx carries (db.Tx) when there is
// one, so the event commits or rolls back with the action it describes.
func (s *Store) Record(ctx context.Context, e Event) error {
	if err := e.Validate(); err != nil {
		return fmt.Errorf("audit: record: %w", err)
	}
	e = e.normalize(s.now)
	if e.ID == "" {
		e.ID = db.NewID()
	}
	detail := e.Detail
	if detail == nil {
		detail = map[string]string{}
	}
	// Encoded as JSON data and passed as a bound value: user text never becomes SQL.
	js, err := json.Marshal(detail)
	if err != nil {
		return fmt.Errorf("audit: record %s: encode detail: %w", e.Action, err)
	}
	row := &eventRow{
		ID: e.ID, TenantID: e.TenantID, At: e.At, Actor: e.Actor, Action: e.Action,
		ObjectKind: e.ObjectKind, ObjectID: e.ObjectID, Result: e.Result, IP: e.IP,
		Detail: string(js),
	}
	if _, err := db.Conn(ctx, s.db).NewInsert().Model(row).Exec(ctx); err != nil {
		return fmt.Errorf("audit: record %s: %w", e.Action, db.Classify(err))
	}
	return nil
}

// List returns one page of tenantID's events, newest first, and the cursor of the next page
// ("" when there is none). Only tenantID's events are ever read.
func (s *Store) List(ctx context.Context, tenantID string, f Filter) ([]Event, string, error) {
	if tenantID == "" {
		return nil, "", fmt.Errorf("audit: list: %w: tenant is required", ErrInvalid)
	}
	if err := f.validate(); err != nil {
		return nil, "", fmt.Errorf("audit: list: %w", err)
	}
	limit := f.limit()
	var rows []eventRow
	q := db.Conn(ctx, s.db).NewSelect().Model(&rows).
		Where("tenant_id = ?", tenantID).
		OrderExpr("at DESC, id DESC").
		Limit(int64(limit) + 1)
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From.UTC().Truncate(time.Microsecond))
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", f.To.UTC().Truncate(time.Microsecond))
	}
	if f.Action != "" {
		// The action itself or anything below it in the dotted hierarchy. substr instead of
		// LIKE: '_' is a LIKE wildcard, and substr means the same on both databases.
		prefix := f.Action + "."
		q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("action = ?", f.Action).
				WhereOr("substr(action, 1, ?) = ?", len(prefix), prefix)
		})
	}
	if f.Cursor != "" {
		c, err := decodeCursor(f.Cursor)
		if err != nil {
			return nil, "", fmt.Errorf("audit: list: %w", err)
		}
		q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("at < ?", c.at).
				WhereOr("at = ? AND id < ?", c.at, c.id)
		})
	}
	if err := q.Scan(ctx); err != nil {
		return nil, "", fmt.Errorf("audit: list: %w", db.Classify(err))
	}
	next := ""
	if len(rows) > limit {
		rows = rows[:limit]
		last := rows[len(rows)-1]
		next = cursor{at: last.At.UTC(), id: last.ID}.encode()
	}
	out := make([]Event, 0, len(rows))
	for _, r := range rows {
		e := Event{
			ID: r.ID, TenantID: r.TenantID, At: r.At.UTC(), Actor: r.Actor, Action: r.Action,
			ObjectKind: r.ObjectKind, ObjectID: r.ObjectID, Result: r.Result, IP: r.IP,
		}
		if err := json.Unmarshal([]byte(r.Detail), &e.Detail); err != nil {
			return nil, "", fmt.Errorf("audit: list: decode detail of %s: %w", r.ID, err)
		}
		if len(e.Detail) == 0 {
			e.Detail = nil
		}
		out = append(out, e)
	}
	return out, next, nil
}
