package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/oklog/ulid/v2"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/driver/sqliteshim"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Errors callers branch on.
var (
	ErrNotFound = errors.New("db: not found")
	ErrConflict = errors.New("db: conflict")
)

// Options say which database to open.
type Options struct {
	// URL is "postgres://…" (or "postgresql://…") for PostgreSQL, otherwise a path to the
	// SQLite file (an optional "sqlite:" or "file:" prefix is accepted).
	URL string
	// MaxOpenConns bounds the pool; 0 means a default suited to the dialect.
	MaxOpenConns int
}

// Dialect names.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// IsPostgresURL reports whether url names a PostgreSQL database.
func IsPostgresURL(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// SQLitePath returns the file path of a SQLite URL.
func SQLitePath(u string) string {
	u = strings.TrimPrefix(u, "sqlite:")
	u = strings.TrimPrefix(u, "file:")
	if i := strings.IndexByte(u, '?'); i >= 0 {
		u = u[:i]
	}
	return u
}

// sqliteDSN builds the DSN with the durability pragmas every connection must carry.
// _txlock=immediate makes BEGIN take the write lock at once, so two writers queue on
// busy_timeout instead of failing with SQLITE_BUSY when a read transaction upgrades.
func sqliteDSN(path string) string {
	q := url.Values{}
	for _, p := range []string{
		"journal_mode(WAL)",
		"busy_timeout(10000)",
		"foreign_keys(1)",
		"synchronous(FULL)",
		"secure_delete(ON)",
	} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	q.Set("_time_format", "sqlite")
	return "file:" + filepath.ToSlash(path) + "?" + q.Encode()
}

// Open opens and pings the database.
func Open(ctx context.Context, opts Options) (*bun.DB, error) {
	var bdb *bun.DB
	if IsPostgresURL(opts.URL) {
		sqldb, err := sql.Open("pgx", opts.URL)
		if err != nil {
			return nil, fmt.Errorf("db: open postgres: %w", err)
		}
		n := opts.MaxOpenConns
		if n <= 0 {
			n = 16
		}
		sqldb.SetMaxOpenConns(n)
		sqldb.SetMaxIdleConns(n)
		sqldb.SetConnMaxIdleTime(5 * time.Minute)
		bdb = bun.NewDB(sqldb, pgdialect.New())
	} else {
		path := SQLitePath(opts.URL)
		if path == "" {
			return nil, errors.New("db: empty SQLite path")
		}
		sqldb, err := sql.Open(sqliteshim.ShimName, sqliteDSN(path))
		if err != nil {
			return nil, fmt.Errorf("db: open sqlite: %w", err)
		}
		n := opts.MaxOpenConns
		if n <= 0 {
			n = 8
		}
		sqldb.SetMaxOpenConns(n)
		sqldb.SetMaxIdleConns(n)
		sqldb.SetConnMaxLifetime(0)
		bdb = bun.NewDB(sqldb, sqlitedialect.New())
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := bdb.PingContext(pctx); err != nil {
		_ = bdb.Close()
		return nil, fmt.Errorf("db: ping: %w", err)
	}
	return bdb, nil
}

// DialectName returns SQLite or Postgres.
func DialectName(db bun.IDB) string {
	if db.Dialect().Name().String() == "pg" {
		return Postgres
	}
	return SQLite
}

type txKey struct{}

// Tx runs fn in a transaction carried by the context, and commits it when fn returns nil.
// Inside fn, Conn(ctx, db) returns that transaction, so services of different packages can
// act in one transaction (a credit debit together with the action it pays for). A nested
// Tx joins the outer transaction.
func Tx(ctx context.Context, db *bun.DB, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(bun.Tx); ok {
		return fn(ctx)
	}
	return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		return fn(context.WithValue(ctx, txKey{}, tx))
	})
}

// Transactor is db.Tx on one database, for packages that join transactions without
// naming bun.
type Transactor struct{ DB *bun.DB }

// Tx runs fn in a transaction on t.DB (see Tx).
func (t Transactor) Tx(ctx context.Context, fn func(ctx context.Context) error) error {
	return Tx(ctx, t.DB, fn)
}

// Conn returns the context's transaction, or db outside a transaction.
func Conn(ctx context.Context, db *bun.DB) bun.IDB {
	if tx, ok := ctx.Value(txKey{}).(bun.Tx); ok {
		return tx
	}
	return db
}

// NewID returns a new opaque id: a lower-case ULID (sortable by creation, 80 random bits).
func NewID() string {
	return strings.ToLower(ulid.Make().String())
}

// Classify maps driver errors: no rows → ErrNotFound, unique or primary-key violation →
// ErrConflict (both wrapped around the original). Other errors pass through.
func Classify(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (pgErr.Code == "23505") {
		return fmt.Errorf("%w: %w", ErrConflict, err)
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		switch sqErr.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return fmt.Errorf("%w: %w", ErrConflict, err)
		}
	}
	return err
}

// Setting is one database setting that decides whether a commit survives power loss, and
// whether its value is the safe one (for `doctor`).
type Setting struct {
	Name, Value string
	OK          bool
}

// Durability reads the durability-relevant settings of the open database.
func Durability(ctx context.Context, db *bun.DB) ([]Setting, error) {
	var out []Setting
	if DialectName(db) == Postgres {
		for _, name := range []string{"fsync", "synchronous_commit", "full_page_writes"} {
			var v string
			if err := db.QueryRowContext(ctx, "SHOW "+name).Scan(&v); err != nil {
				return nil, fmt.Errorf("db: show %s: %w", name, err)
			}
			out = append(out, Setting{Name: name, Value: v, OK: v == "on"})
		}
		return out, nil
	}
	var mode string
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return nil, fmt.Errorf("db: journal_mode: %w", err)
	}
	out = append(out, Setting{Name: "journal_mode", Value: mode, OK: strings.EqualFold(mode, "wal")})
	var sync int
	if err := db.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
		return nil, fmt.Errorf("db: synchronous: %w", err)
	}
	out = append(out, Setting{Name: "synchronous", Value: fmt.Sprint(sync), OK: sync >= 2})
	var fk int
	if err := db.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
		return nil, fmt.Errorf("db: foreign_keys: %w", err)
	}
	out = append(out, Setting{Name: "foreign_keys", Value: fmt.Sprint(fk), OK: fk == 1})
	var sd int
	if err := db.QueryRowContext(ctx, "PRAGMA secure_delete").Scan(&sd); err != nil {
		return nil, fmt.Errorf("db: secure_delete: %w", err)
	}
	out = append(out, Setting{Name: "secure_delete", Value: fmt.Sprint(sd), OK: sd == 1})
	return out, nil
}
