package scheduler

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// LeaderLockKey is the PostgreSQL advisory lock key the replicas compete for.
const LeaderLockKey int64 = 0x766d735f6a6f6273 // "vms_jobs"

// ErrNotLeader is returned by IsLeader on replicas that do not hold the lock.
var ErrNotLeader = errors.New("scheduler: not the leader")

// Elector holds a PostgreSQL session advisory lock on one dedicated connection. The
// replica that holds it is the leader; the lock is released when the connection closes,
// so another replica takes over when the leader stops or dies.
type Elector struct {
	db   *sql.DB
	key  int64
	log  *slog.Logger
	mu   sync.Mutex
	conn *sql.Conn
}

// NewElector builds an elector on the pool; it holds no connection until asked.
func NewElector(db *sql.DB, key int64, log *slog.Logger) *Elector {
	return &Elector{db: db, key: key, log: log}
}

// IsLeader returns nil when this replica holds (or just took) the leader lock.
func (e *Elector) IsLeader(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if e.conn != nil {
		if err := e.conn.PingContext(ctx); err == nil {
			return nil
		}
		e.log.Warn("scheduler: leader connection lost")
		discard(e.conn)
		e.conn = nil
	}
	conn, err := e.db.Conn(ctx)
	if err != nil {
		return err
	}
	var got bool
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock($1)", e.key).Scan(&got); err != nil {
		_ = conn.Close()
		return err
	}
	if !got {
		_ = conn.Close()
		return ErrNotLeader
	}
	e.log.Info("scheduler: this replica is the leader")
	e.conn = conn
	return nil
}

// Close releases the lock by unlocking and returning the dedicated connection.
func (e *Elector) Close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.conn == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_, _ = e.conn.ExecContext(ctx, "SELECT pg_advisory_unlock($1)", e.key)
	discard(e.conn)
	e.conn = nil
}

// discard closes the session behind conn instead of returning it to the pool, so a lock
// that could not be unlocked (a timeout, a broken connection) dies with its session.
func discard(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = conn.Close()
}
