package database

import (
	"context"
	"database/sql"
	"sync"

	"gorm.io/gorm"
)

type (
	txKey    struct{}
	hooksKey struct{}
)

// commitHooks are the functions to run once the outermost unit of work commits.
type commitHooks struct {
	mu  sync.Mutex
	fns []func()
}

// Do runs fn inside one transaction. When ctx already carries a transaction, fn joins it:
// the outermost Do commits or rolls back. An error or a panic from fn rolls back.
// Inside fn only database work belongs: no HTTP calls, token signing or file I/O.
// Functions registered with AfterCommit run after the commit, before Do returns.
func (d *DB) Do(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return fn(ctx)
	}
	hooks := &commitHooks{}
	ctx = context.WithValue(ctx, hooksKey{}, hooks)
	err := d.Gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(context.WithValue(ctx, txKey{}, tx))
	})
	if err != nil {
		return err
	}
	hooks.mu.Lock()
	fns := hooks.fns
	hooks.fns = nil
	hooks.mu.Unlock()
	for _, f := range fns {
		f()
	}
	return nil
}

// AfterCommit runs fn once the unit of work carried by ctx has committed, and never when it
// rolls back. Without a unit of work in ctx the change is already committed, and fn runs at
// once. fn runs on the committing goroutine before Do returns: it should be quick and
// cannot fail (signal a background worker; do not do the work there).
func AfterCommit(ctx context.Context, fn func()) {
	hooks, ok := ctx.Value(hooksKey{}).(*commitHooks)
	if !ok || !InTx(ctx) {
		fn()
		return
	}
	hooks.mu.Lock()
	hooks.fns = append(hooks.fns, fn)
	hooks.mu.Unlock()
}

// AfterCommit is the package's AfterCommit, for code that holds the unit of work behind a
// port.
func (d *DB) AfterCommit(ctx context.Context, fn func()) { AfterCommit(ctx, fn) }

// Conn returns the handle a repository should use: the transaction carried by ctx, or the pool.
func (d *DB) Conn(ctx context.Context) *gorm.DB {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return tx
	}
	return d.Gorm.WithContext(ctx)
}

// InTx reports whether ctx carries a transaction.
func InTx(ctx context.Context) bool {
	_, ok := ctx.Value(txKey{}).(*gorm.DB)
	return ok
}

// ForUpdate adds SELECT … FOR UPDATE on PostgreSQL. SQLite has no row locks: its
// IMMEDIATE transactions already serialise writers.
func (d *DB) ForUpdate(q *gorm.DB) *gorm.DB {
	if d.Dialect == Postgres {
		return q.Clauses(lockForUpdate)
	}
	return q
}

// ForNoKeyUpdate adds SELECT … FOR NO KEY UPDATE on PostgreSQL: the row lock to take
// before changing non-key columns. Unlike FOR UPDATE it does not conflict with the KEY
// SHARE locks that foreign-key checks of inserts referencing the row hold, so such an
// insert followed by the lock in two transactions cannot deadlock.
func (d *DB) ForNoKeyUpdate(q *gorm.DB) *gorm.DB {
	if d.Dialect == Postgres {
		return q.Clauses(lockForNoKeyUpdate)
	}
	return q
}

// SQLTx returns the database/sql transaction behind the unit of work carried by ctx, for
// libraries that take one (River's transactional insert).
func SQLTx(ctx context.Context) (*sql.Tx, bool) {
	tx, ok := ctx.Value(txKey{}).(*gorm.DB)
	if !ok {
		return nil, false
	}
	switch p := tx.Statement.ConnPool.(type) {
	case *sql.Tx:
		return p, true
	case *gorm.PreparedStmtTX:
		t, ok := p.Tx.(*sql.Tx)
		return t, ok
	}
	return nil, false
}
