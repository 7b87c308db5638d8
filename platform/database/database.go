// Package database opens the relational database (PostgreSQL or SQLite) through GORM,
// applies the embedded migrations and offers the unit of work.
package database

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialect names the database engine behind a DB.
type Dialect string

// The supported dialects.
const (
	Postgres Dialect = "postgres"
	SQLite   Dialect = "sqlite"
)

// DB is an open database with its dialect.
type DB struct {
	Gorm    *gorm.DB
	Dialect Dialect
}

// Options tune the connection pool.
type Options struct {
	MaxOpenConns int
	MaxIdleConns int
}

// Open connects to the database named by url (sqlite://PATH or postgres://…).
func Open(url string, opts Options) (*DB, error) {
	gcfg := &gorm.Config{
		Logger:                 logger.Discard,
		SkipDefaultTransaction: true,
		PrepareStmt:            false,
		NowFunc:                func() time.Time { return time.Now().UTC() },
		TranslateError:         true,
	}
	var (
		db      *gorm.DB
		dialect Dialect
		err     error
	)
	switch {
	case strings.HasPrefix(url, "sqlite://"):
		path := strings.TrimPrefix(url, "sqlite://")
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("create database folder: %w", err)
			}
		}
		db, err = gorm.Open(sqlite.Open(SQLiteDSN(path)), gcfg)
		dialect = SQLite
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		db, err = gorm.Open(postgres.Open(url), gcfg)
		dialect = Postgres
	default:
		return nil, errors.New("database url must start with sqlite:// or postgres://")
	}
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", dialect, err)
	}
	sqlDB, err := db.DB()
	if err != nil {
		return nil, err
	}
	maxOpen := opts.MaxOpenConns
	if maxOpen <= 0 {
		maxOpen = 20
	}
	sqlDB.SetMaxOpenConns(maxOpen)
	sqlDB.SetMaxIdleConns(min(opts.MaxIdleConns, maxOpen))
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	sqlDB.SetConnMaxLifetime(time.Hour)
	return &DB{Gorm: db, Dialect: dialect}, nil
}

// SQLiteDSN is the connection string for a SQLite file: WAL, a busy timeout, foreign keys
// and IMMEDIATE transactions so that writers serialise instead of failing with "locked".
func SQLiteDSN(path string) string {
	return "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	sqlDB, err := d.Gorm.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Close closes the pool.
func (d *DB) Close() error {
	sqlDB, err := d.Gorm.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}
