package database

import (
	"context"
	"embed"
	"fmt"
	"io/fs"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/postgres/*.sql migrations/sqlite/*.sql
var migrations embed.FS

// Migrator applies the embedded, versioned migrations for the database's dialect.
func (d *DB) Migrator() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(d.Dialect))
	if err != nil {
		return nil, err
	}
	sqlDB, err := d.Gorm.DB()
	if err != nil {
		return nil, err
	}
	if d.Dialect == SQLite {
		return goose.NewProvider(goose.DialectSQLite3, sqlDB, sub)
	}
	// Replicas starting together take turns through a session advisory lock.
	locker, err := lock.NewPostgresSessionLocker()
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectPostgres, sqlDB, sub, goose.WithSessionLocker(locker))
}

// MigrateUp applies every pending migration: the schema's, then River's job tables.
func (d *DB) MigrateUp(ctx context.Context) error {
	p, err := d.Migrator()
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate up: %w", err)
	}
	if _, err := d.MigrateJobs(ctx); err != nil {
		return err
	}
	return nil
}
