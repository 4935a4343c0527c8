// Package db opens the database with bun — SQLite by default (pure Go driver, WAL,
// synchronous=FULL, foreign keys, busy timeout, secure_delete, immediate write transactions)
// or PostgreSQL (pgx) when the URL says so — and maps driver errors to ErrNotFound and
// ErrConflict. It knows nothing of the domain; every other package reaches the database only
// through its own store_bun.go.
package db
