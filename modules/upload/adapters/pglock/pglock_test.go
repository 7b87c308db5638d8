package pglock_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tus/tusd/v2/pkg/handler"

	"vms/modules/upload/adapters/pglock"
	"vms/platform/database/dbtest"
)

// The tests run two lockers on two pools of one fresh database, as two processes would.

// process is one locker on a pool of its own.
type process struct {
	db     *sql.DB
	locker *pglock.Locker
}

func startProcess(t *testing.T, url string) process {
	t.Helper()
	db, err := pglock.OpenPool(url, 5)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	l := pglock.New(db, pglock.Options{
		PollInterval: 10 * time.Millisecond,
		Renotify:     200 * time.Millisecond,
		Log:          slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := l.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := l.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return process{db: db, locker: l}
}

// setup returns two processes and a pool for looking at the database's locks.
func setup(t *testing.T) (a, b process, admin *sql.DB) {
	t.Helper()
	url := dbtest.PostgresURL(t)
	admin, err := pglock.OpenPool(url, 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = admin.Close() })
	return startProcess(t, url), startProcess(t, url), admin
}

// lock takes the lock of id, failing the test if it cannot within 10 s.
func lock(t *testing.T, p process, id string, requestRelease func()) handler.Lock {
	t.Helper()
	k, err := p.locker.NewLock(id)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := k.Lock(ctx, requestRelease); err != nil {
		t.Fatalf("lock %s: %v", id, err)
	}
	return k
}

// tryLock tries to take the lock of id for d.
func tryLock(t *testing.T, p process, id string, d time.Duration, requestRelease func()) (handler.Lock, error) {
	t.Helper()
	k, err := p.locker.NewLock(id)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	return k, k.Lock(ctx, requestRelease)
}

func unlock(t *testing.T, k handler.Lock) {
	t.Helper()
	if err := k.Unlock(); err != nil {
		t.Fatalf("unlock: %v", err)
	}
}

// advisoryLocks counts the advisory locks granted in the test's database.
func advisoryLocks(t *testing.T, admin *sql.DB) int {
	t.Helper()
	var n int
	err := admin.QueryRow(`SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// signal returns a callback that closes the channel it returns, however often it is
// called, and never blocks.
func signal() (func(), <-chan struct{}) {
	ch := make(chan struct{})
	var once sync.Once
	return func() { once.Do(func() { close(ch) }) }, ch
}

func noop() {}

func waitFor(t *testing.T, ch <-chan struct{}, d time.Duration, what string) {
	t.Helper()
	select {
	case <-ch:
		return
	default:
	}
	select {
	case <-ch:
	case <-time.After(d):
		t.Fatalf("after %s: %s", d, what)
	}
}

// The lock of an upload held in one process keeps the other out until its context ends;
// another upload's lock is not affected.
func TestLockExcludesTheOtherProcess(t *testing.T) {
	a, b, admin := setup(t)
	held := lock(t, a, "u1", noop)

	start := time.Now()
	_, err := tryLock(t, b, "u1", 300*time.Millisecond, noop)
	if !errors.Is(err, handler.ErrLockTimeout) {
		t.Fatalf("second lock of u1: %v, want ErrLockTimeout", err)
	}
	if waited := time.Since(start); waited < 300*time.Millisecond {
		t.Fatalf("gave up after %s, before its context ended", waited)
	}

	other := lock(t, b, "u2", noop)
	if n := advisoryLocks(t, admin); n != 2 {
		t.Fatalf("%d advisory locks held, want 2 (u1 in A, u2 in B)", n)
	}
	unlock(t, other)
	unlock(t, held)
	if n := advisoryLocks(t, admin); n != 0 {
		t.Fatalf("%d advisory locks held after both unlocks, want 0", n)
	}
}

// Workers of both processes taking turns on one upload are never inside together, and
// every one of them gets its turns.
func TestWorkersOfTwoProcessesTakeTurns(t *testing.T) {
	a, b, _ := setup(t)
	const workers, turns = 8, 5
	var (
		mu           sync.Mutex
		inside, most int
		done         atomic.Int32
	)
	var wg sync.WaitGroup
	for w := range workers {
		p := a
		if w%2 == 1 {
			p = b
		}
		wg.Go(func() {
			for range turns {
				k, err := p.locker.NewLock("busy")
				if err != nil {
					t.Error(err)
					return
				}
				ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
				err = k.Lock(ctx, noop)
				cancel()
				if err != nil {
					t.Errorf("lock: %v", err)
					return
				}
				mu.Lock()
				inside++
				most = max(most, inside)
				mu.Unlock()
				time.Sleep(2 * time.Millisecond)
				mu.Lock()
				inside--
				mu.Unlock()
				done.Add(1)
				if err := k.Unlock(); err != nil {
					t.Errorf("unlock: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	if most != 1 {
		t.Fatalf("%d holders inside at once, want 1", most)
	}
	if d := done.Load(); d != workers*turns {
		t.Fatalf("%d turns taken, want %d", d, workers*turns)
	}
}

// A waiter in one process asks the holder in the other to release: the holder's
// callback runs (that upload's only), and once it unlocks the waiter has the lock.
func TestReleaseRequestReachesTheHolder(t *testing.T) {
	a, b, admin := setup(t)
	askedX, x := signal()
	askedY, y := signal()
	heldX := lock(t, a, "x", askedX)
	heldY := lock(t, a, "y", askedY)
	released := make(chan struct{})
	go func() {
		// As tusd does: the asked request stops and unlocks.
		<-x
		_ = heldX.Unlock()
		close(released)
	}()

	start := time.Now()
	k, err := tryLock(t, b, "x", 10*time.Second, noop)
	if err != nil {
		t.Fatalf("lock x from B: %v", err)
	}
	t.Logf("hand-over in %s", time.Since(start))
	waitFor(t, x, 0, "B holds x but A's holder was never asked to release it")
	waitFor(t, released, 5*time.Second, "A's holder did not finish unlocking")
	if waited := time.Since(start); waited > 5*time.Second {
		t.Fatalf("hand-over took %s", waited)
	}
	time.Sleep(100 * time.Millisecond)
	select {
	case <-y:
		t.Fatal("the holder of y was asked to release it")
	default:
	}
	if n := advisoryLocks(t, admin); n != 2 {
		t.Fatalf("%d advisory locks held, want 2 (x in B, y in A)", n)
	}
	unlock(t, k)
	unlock(t, heldY)
}

// A waiter whose context ends gets handler.ErrLockTimeout, having asked the holder, who
// may ignore the request; a context already ended fails at once.
func TestWaiterTimesOut(t *testing.T) {
	a, b, _ := setup(t)
	asked, ch := signal()
	held := lock(t, a, "slow", asked)

	_, err := tryLock(t, b, "slow", 500*time.Millisecond, noop)
	if !errors.Is(err, handler.ErrLockTimeout) {
		t.Fatalf("lock held elsewhere: %v, want ErrLockTimeout", err)
	}
	waitFor(t, ch, time.Second, "the holder was not asked to release")

	k, err := b.locker.NewLock("free")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := k.Lock(ctx, noop); !errors.Is(err, handler.ErrLockTimeout) {
		t.Fatalf("lock with an ended context: %v, want ErrLockTimeout", err)
	}
	unlock(t, held)
}

// A holder that ignores the request keeps the lock; its Unlock lets the waiter in.
func TestUnlockLetsTheWaiterIn(t *testing.T) {
	a, b, admin := setup(t)
	held := lock(t, a, "u", noop)

	got := make(chan error, 1)
	var k handler.Lock
	go func() {
		var err error
		k, err = tryLock(t, b, "u", 10*time.Second, noop)
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("B locked u while A held it: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	unlock(t, held)
	select {
	case err := <-got:
		if err != nil {
			t.Fatalf("B's lock after A's unlock: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("B did not get the lock within 2 s of A's unlock")
	}
	if n := advisoryLocks(t, admin); n != 1 {
		t.Fatalf("%d advisory locks held, want B's only", n)
	}
	unlock(t, k)
	if n := advisoryLocks(t, admin); n != 0 {
		t.Fatalf("%d advisory locks held after B's unlock, want 0", n)
	}
}

// A waiter that gives up gives its connection back and holds nothing: once the holder
// unlocks no lock is left, and the next taker gets it at once.
func TestCancelledWaiterLeavesNothingHeld(t *testing.T) {
	a, b, admin := setup(t)
	held := lock(t, a, "u", noop)
	before := b.db.Stats().InUse // the listener's connection

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	k, err := b.locker.NewLock("u")
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Lock(ctx, noop); !errors.Is(err, handler.ErrLockTimeout) {
		t.Fatalf("cancelled waiter: %v, want ErrLockTimeout", err)
	}
	if after := b.db.Stats().InUse; after != before {
		t.Fatalf("%d connections in use after the waiter gave up, want %d", after, before)
	}
	if err := k.Unlock(); err != nil {
		t.Fatalf("unlock of a lock never taken: %v", err)
	}
	unlock(t, held)
	if n := advisoryLocks(t, admin); n != 0 {
		t.Fatalf("%d advisory locks held, want 0", n)
	}
	start := time.Now()
	unlock(t, lock(t, b, "u", noop))
	if d := time.Since(start); d > time.Second {
		t.Fatalf("the next lock took %s", d)
	}
}

// A lock whose connection dies is lost: the other process takes it, and the first
// holder's Unlock reports the loss.
func TestLockDiesWithItsConnection(t *testing.T) {
	a, b, admin := setup(t)
	held := lock(t, a, "u", noop)
	var pid int
	if err := admin.QueryRow(`SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("SELECT pg_terminate_backend($1)", pid); err != nil {
		t.Fatal(err)
	}
	k, err := tryLock(t, b, "u", 5*time.Second, noop)
	if err != nil {
		t.Fatalf("lock after the holder's session died: %v", err)
	}
	if err := held.Unlock(); err == nil {
		t.Fatal("the lost lock's Unlock reported no error")
	}
	unlock(t, k)
	if n := advisoryLocks(t, admin); n != 0 {
		t.Fatalf("%d advisory locks held, want 0", n)
	}
}

// The listener connects again after losing its connection, and release requests reach
// the holder again.
func TestListenerComesBack(t *testing.T) {
	a, b, admin := setup(t)
	res, err := admin.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE 'LISTEN %'`)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 2 {
		t.Fatalf("%d listening sessions terminated, want 2", n)
	}
	asked, ch := signal()
	held := lock(t, a, "u", asked)
	go func() {
		<-ch
		_ = held.Unlock()
	}()
	// Within the listener's delay and a waiter's repeated request.
	k, err := tryLock(t, b, "u", 10*time.Second, noop)
	if err != nil {
		t.Fatalf("lock after the listeners were cut: %v", err)
	}
	waitFor(t, ch, 0, "the holder was not asked")
	unlock(t, k)
}

// Stop ends the listener's goroutine and closes its connection.
func TestStopLeavesNoGoroutine(t *testing.T) {
	url := dbtest.PostgresURL(t)
	runtime.GC()
	base := runtime.NumGoroutine()
	db, err := pglock.OpenPool(url, 3)
	if err != nil {
		t.Fatal(err)
	}
	l := pglock.New(db, pglock.Options{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := l.Start(ctx); err != nil {
		t.Fatal(err)
	}
	k, err := l.NewLock("u")
	if err != nil {
		t.Fatal(err)
	}
	if err := k.Lock(ctx, noop); err != nil {
		t.Fatal(err)
	}
	if err := k.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := l.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	if n := db.Stats().InUse; n != 0 {
		t.Fatalf("%d connections in use after Stop, want 0", n)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines after Stop, %d before Start:\n%s", runtime.NumGoroutine(), base, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(20 * time.Millisecond)
	}
}
