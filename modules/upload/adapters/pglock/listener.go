package pglock

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// relistenDelay is how long the listener waits before it connects again after losing
// its connection.
const relistenDelay = time.Second

// Start starts listening for release requests on one connection of the pool and returns
// once LISTEN is in effect, or with the error of that first attempt. A connection lost
// later is replaced (after relistenDelay, the failure logged) until Stop; requests sent
// meanwhile are missed, and their waiters repeat them every Renotify.
func (l *Locker) Start(ctx context.Context) error {
	if l.stop != nil {
		return errors.New("upload locks: the listener is already started")
	}
	run, cancel := context.WithCancel(context.Background())
	ready := make(chan error, 1)
	done := make(chan struct{})
	l.stop, l.done = cancel, done
	go l.listen(run, ready, done)
	var err error
	select {
	case err = <-ready:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		cancel()
		<-done
		l.stop = nil
		return fmt.Errorf("upload locks: listen on %s: %w", Channel, err)
	}
	return nil
}

// Stop stops the listener and waits until its goroutine has ended and its connection is
// closed, or ctx ends. Locks still held stay held until their Unlock.
func (l *Locker) Stop(ctx context.Context) error {
	if l.stop == nil {
		return nil
	}
	l.stop()
	l.stop = nil
	select {
	case <-l.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("upload locks: stop the listener: %w", ctx.Err())
	}
}

// listen runs the listener until ctx ends, then closes done. The first attempt's outcome
// goes to ready.
func (l *Locker) listen(ctx context.Context, ready chan<- error, done chan<- struct{}) {
	defer close(done)
	first := true
	for {
		err := l.listenOnce(ctx, func() {
			if first {
				first = false
				ready <- nil
			}
		})
		if ctx.Err() != nil {
			return
		}
		if first {
			ready <- err
			return
		}
		l.opts.Log.Warn("upload locks: the listener lost its connection; it connects again", "err", err, "in", relistenDelay)
		t := time.NewTimer(relistenDelay)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// listenOnce listens on one connection of the pool until the connection fails or ctx
// ends, calling listening once LISTEN is in effect. The connection is closed afterwards,
// never returned to the pool, where it would go on listening.
func (l *Locker) listenOnce(ctx context.Context, listening func()) error {
	conn, err := l.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close() //nolint:errcheck // already closed by Raw's bad-connection answer
	var failure error
	_ = conn.Raw(func(dc any) error {
		failure = l.wait(ctx, dc, listening)
		return driver.ErrBadConn
	})
	return failure
}

// wait runs LISTEN on the pgx connection behind dc and hands every notification to the
// holder of its upload until an error (ctx's end included).
func (l *Locker) wait(ctx context.Context, dc any, listening func()) error {
	sc, ok := dc.(*stdlib.Conn)
	if !ok {
		return fmt.Errorf("the pool's driver connection is %T, not pgx's", dc)
	}
	pc := sc.Conn()
	if _, err := pc.Exec(ctx, "LISTEN "+pgx.Identifier{Channel}.Sanitize()); err != nil {
		return err
	}
	listening()
	for {
		n, err := pc.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		l.release(n.Payload)
	}
}

// OpenPool opens a pool of at most maxConns connections to the PostgreSQL database at
// url, for a Locker. It is kept apart from the application's pool because every held
// lock keeps a connection: requests holding locks must not take the connections their
// own queries need.
func OpenPool(url string, maxConns int) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("upload locks: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return db, nil
}
