package database

import (
	"context"
	"fmt"

	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// riverMigrateLockKey is the PostgreSQL advisory lock that replicas starting together
// take around River's migrator, which takes no lock of its own.
const riverMigrateLockKey = 0x766d735f72697672 // "vms_rivr"

// MigrateJobs applies River's migrations (its job tables, beside goose's) to the
// database. It runs after MigrateUp, in the same migrate step.
func (d *DB) MigrateJobs(ctx context.Context) (applied []int, err error) {
	sqlDB, err := d.Gorm.DB()
	if err != nil {
		return nil, err
	}
	run := func() (*rivermigrate.MigrateResult, error) {
		if d.Dialect == SQLite {
			m, err := rivermigrate.New(riversqlite.New(sqlDB), nil)
			if err != nil {
				return nil, err
			}
			return m.Migrate(ctx, rivermigrate.DirectionUp, nil)
		}
		m, err := rivermigrate.New(riverdatabasesql.New(sqlDB), nil)
		if err != nil {
			return nil, err
		}
		return m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	}
	if d.Dialect == Postgres {
		conn, err := sqlDB.Conn(ctx)
		if err != nil {
			return nil, err
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", int64(riverMigrateLockKey)); err != nil {
			return nil, fmt.Errorf("job migrations lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", int64(riverMigrateLockKey)) //nolint:errcheck // the lock ends with the session anyway
	}
	res, err := run()
	if err != nil {
		return nil, fmt.Errorf("job migrations: %w", err)
	}
	for _, v := range res.Versions {
		applied = append(applied, v.Version)
	}
	return applied, nil
}
