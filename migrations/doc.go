// Package migrations holds the schema history: embedded, timestamp-named bun SQL migrations
// that run unchanged on SQLite and PostgreSQL (dialect differences go through template data,
// e.g. {{ .Blob }} is BLOB or BYTEA). Files are append-only: a landed migration is never
// edited. The schema is never created by the ORM at boot.
package migrations
