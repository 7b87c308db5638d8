// Package pglock is tusd's handler.Locker over PostgreSQL session advisory locks, so that
// the replicas of the server, sharing one database, can share uploads: whichever replica
// receives a request for an upload takes the same lock.
//
// The lock of an upload is pg_try_advisory_lock(hashtextextended(id, 0)): the one-key
// form, whose 64-bit key makes a clash of two uploads' keys negligible. The two-key form
// with a fixed class for uploads would keep uploads apart from the other one-key advisory
// locks of the application (the scheduler's leader, the migrations), but would leave 32
// bits of hash to the ids; a clash in either form only makes two unrelated holders wait
// for each other, it never lets two holders of one upload in.
//
// A held lock keeps one connection of the pool to itself until Unlock, since a session
// lock lives as long as its session. If that connection dies (a network failure, the
// backend terminated) PostgreSQL releases the lock and another request may take it while
// the first still writes: the lock is lost, and this package does not notice until Unlock
// reports it. Waiters ask the holder to let go through NOTIFY on Channel; every process
// listens on it with one connection (Start) and calls the requestRelease callback of its
// own holder of that upload, as tusd's memorylocker does within one process.
package pglock

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/tus/tusd/v2/pkg/handler"
)

// Channel is the notification channel on which a waiter asks the holder of an upload's
// lock, in whatever process, to release it; the payload is the upload id.
const Channel = "vms_upload_lock_release"

// The statements on the lock of an upload id.
const (
	tryLockSQL = "SELECT pg_try_advisory_lock(hashtextextended($1, 0))"
	unlockSQL  = "SELECT pg_advisory_unlock(hashtextextended($1, 0))"
	notifySQL  = "SELECT pg_notify('" + Channel + "', $1)"
)

// Defaults of Options.
const (
	DefaultPollInterval = 50 * time.Millisecond
	DefaultRenotify     = time.Second
)

// queryTimeout bounds one statement, which runs on a context of its own: a statement
// cancelled half-way could leave a lock taken on the server with nobody knowing it.
const queryTimeout = 10 * time.Second

// Options tune a Locker.
type Options struct {
	// PollInterval is how long a waiter waits between two attempts (DefaultPollInterval).
	PollInterval time.Duration
	// Renotify is how often a waiter repeats its release request, in case the holder
	// took the lock just after the previous one, or its listener was reconnecting
	// (DefaultRenotify).
	Renotify time.Duration
	// Log receives the listener's connection failures (slog.Default when nil).
	Log *slog.Logger
}

// Locker hands out the locks of uploads over one PostgreSQL pool, whose driver must be
// pgx's database/sql driver (the listener needs its notifications).
type Locker struct {
	db   *sql.DB
	opts Options

	mu   sync.Mutex
	held map[string]*lock // this process's holders, by upload id

	stop context.CancelFunc
	done chan struct{}
}

var _ handler.Locker = (*Locker)(nil)

// New builds a locker over db. It asks other processes' holders to let go at once, but
// learns of their requests only between Start and Stop.
func New(db *sql.DB, opts Options) *Locker {
	if opts.PollInterval <= 0 {
		opts.PollInterval = DefaultPollInterval
	}
	if opts.Renotify <= 0 {
		opts.Renotify = DefaultRenotify
	}
	if opts.Log == nil {
		opts.Log = slog.Default()
	}
	return &Locker{db: db, opts: opts, held: map[string]*lock{}}
}

// UseIn adds the locker to a tusd store composer.
func (l *Locker) UseIn(c *handler.StoreComposer) { c.UseLocker(l) }

// NewLock returns the (not yet taken) lock of an upload.
func (l *Locker) NewLock(id string) (handler.Lock, error) {
	return &lock{locker: l, id: id}, nil
}

// lock is the lock of one upload for one request; conn is set while it is held.
type lock struct {
	locker         *Locker
	id             string
	requestRelease func()
	conn           *sql.Conn
}

// Lock takes the lock, retrying every PollInterval while another session holds it and
// asking that holder to release it, until ctx ends: then it returns
// handler.ErrLockTimeout and gives its connection back. requestRelease is called, from
// the listener's goroutine, when another request wants the lock; it must not block.
func (k *lock) Lock(ctx context.Context, requestRelease func()) error {
	l := k.locker
	conn, err := l.db.Conn(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return handler.ErrLockTimeout
		}
		return fmt.Errorf("lock upload %s: %w", k.id, err)
	}
	var asked time.Time
	for {
		got, err := queryBool(ctx, conn, tryLockSQL, k.id)
		if err != nil {
			discard(conn)
			return fmt.Errorf("lock upload %s: %w", k.id, err)
		}
		if got {
			k.conn, k.requestRelease = conn, requestRelease
			l.mu.Lock()
			l.held[k.id] = k
			l.mu.Unlock()
			return nil
		}
		if time.Since(asked) >= l.opts.Renotify {
			if err := notify(ctx, conn, k.id); err != nil {
				discard(conn)
				return fmt.Errorf("ask the holder of upload %s to release it: %w", k.id, err)
			}
			asked = time.Now()
		}
		t := time.NewTimer(l.opts.PollInterval)
		select {
		case <-ctx.Done():
			t.Stop()
			_ = conn.Close() // holds nothing: back to the pool
			return handler.ErrLockTimeout
		case <-t.C:
		}
	}
}

// Unlock releases the lock and gives its connection back to the pool. It fails when the
// lock was lost with its connection.
func (k *lock) Unlock() error {
	l := k.locker
	if k.conn == nil {
		return nil
	}
	// Forgotten before it is released: the next holder in this process registers only
	// after it has the lock.
	l.mu.Lock()
	if l.held[k.id] == k {
		delete(l.held, k.id)
	}
	l.mu.Unlock()
	conn := k.conn
	k.conn = nil
	released, err := queryBool(context.Background(), conn, unlockSQL, k.id)
	if err != nil || !released {
		discard(conn)
		if err == nil {
			err = errors.New("the session no longer held it")
		}
		return fmt.Errorf("unlock upload %s: %w", k.id, err)
	}
	return conn.Close()
}

// release calls the requestRelease callback of this process's holder of the upload, if
// there is one.
func (l *Locker) release(id string) {
	l.mu.Lock()
	k := l.held[id]
	l.mu.Unlock()
	if k != nil {
		k.requestRelease()
	}
}

// queryBool runs a statement answering one boolean on conn, on a context that ctx's end
// does not cancel, bounded by queryTimeout.
func queryBool(ctx context.Context, conn *sql.Conn, query string, id string) (bool, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), queryTimeout)
	defer cancel()
	var b bool
	err := conn.QueryRowContext(ctx, query, id).Scan(&b)
	return b, err
}

// notify sends a release request for the upload on conn, bounded as queryBool is.
func notify(ctx context.Context, conn *sql.Conn, id string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), queryTimeout)
	defer cancel()
	_, err := conn.ExecContext(ctx, notifySQL, id)
	return err
}

// discard closes the session behind conn instead of returning it to the pool, so a lock
// it may hold (a statement that failed half-way, an unlock that did not answer) dies with
// the session.
func discard(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = conn.Close()
}
