package migrations

import (
	"context"
	"embed"
	"fmt"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/migrate"

	"github.com/securemailbox/securemailbox/internal/db"
)

//go:embed *.sql
var files embed.FS

// templateData fills the dialect-specific words of the SQL files.
type templateData struct {
	Blob      string // binary column type
	Timestamp string // UTC timestamp column type
	BigInt    string
}

func migrator(bdb *bun.DB) (*migrate.Migrator, error) {
	ms := migrate.NewMigrations()
	if err := ms.Discover(files); err != nil {
		return nil, fmt.Errorf("migrations: discover: %w", err)
	}
	data := templateData{Blob: "BLOB", Timestamp: "TIMESTAMP", BigInt: "INTEGER"}
	if db.DialectName(bdb) == db.Postgres {
		data = templateData{Blob: "BYTEA", Timestamp: "TIMESTAMPTZ", BigInt: "BIGINT"}
	}
	return migrate.NewMigrator(bdb, ms,
		migrate.WithTemplateData(data),
		migrate.WithMarkAppliedOnSuccess(true),
	), nil
}

// Up applies every pending migration and returns the names applied.
func Up(ctx context.Context, bdb *bun.DB) ([]string, error) {
	m, err := migrator(bdb)
	if err != nil {
		return nil, err
	}
	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("migrations: init: %w", err)
	}
	if err := m.Lock(ctx); err != nil {
		return nil, fmt.Errorf("migrations: lock: %w", err)
	}
	defer func() { _ = m.Unlock(ctx) }()
	group, err := m.Migrate(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrations: migrate: %w", err)
	}
	var names []string
	for _, mg := range group.Migrations {
		names = append(names, mg.Name)
	}
	return names, nil
}

// Pending returns the names of migrations not yet applied. The server refuses to start while
// it is non-empty unless told to migrate.
func Pending(ctx context.Context, bdb *bun.DB) ([]string, error) {
	m, err := migrator(bdb)
	if err != nil {
		return nil, err
	}
	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("migrations: init: %w", err)
	}
	ms, err := m.MigrationsWithStatus(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrations: status: %w", err)
	}
	var names []string
	for _, mg := range ms.Unapplied() {
		names = append(names, mg.Name)
	}
	return names, nil
}
