package scheduler_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-co-op/gocron/v2"

	"vms/platform/config"
	"vms/platform/database"
	"vms/platform/database/dbtest"
	"vms/platform/scheduler"
)

const interval = 200 * time.Millisecond

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// countingElector counts the leadership questions gocron asks (one per tick) and the
// answers that let the job run.
type countingElector struct {
	inner   gocron.Elector
	ticks   atomic.Int64
	granted atomic.Int64
}

func (c *countingElector) IsLeader(ctx context.Context) error {
	c.ticks.Add(1)
	err := c.inner.IsLeader(ctx)
	if err == nil {
		c.granted.Add(1)
	}
	return err
}

type replica struct {
	name    string
	sched   *scheduler.Scheduler
	elector *countingElector
	runs    atomic.Int64
	stop    func()
}

func newReplica(t *testing.T, name string, db *database.DB) *replica {
	t.Helper()
	r := &replica{name: name}
	job := scheduler.Job{Name: "count", Interval: interval, Run: func(context.Context) error {
		r.runs.Add(1)
		return nil
	}}
	s, err := scheduler.NewObserved(quiet, db, []scheduler.Job{job}, func(e gocron.Elector) gocron.Elector {
		r.elector = &countingElector{inner: e}
		return r.elector
	})
	if err != nil {
		t.Fatalf("scheduler: %v", err)
	}
	r.sched = s
	return r
}

func (r *replica) start(t *testing.T) {
	t.Helper()
	if err := r.sched.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = r.sched.Stop(context.Background())
		}
	})
	r.stop = func() {
		stopped = true
		if err := r.sched.Stop(context.Background()); err != nil {
			t.Errorf("stop %s: %v", r.name, err)
		}
	}
}

func openPostgres(t *testing.T, url string) *database.DB {
	t.Helper()
	db, err := database.Open(url, database.Options{MaxOpenConns: 4, MaxIdleConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func near(got, want int64) bool { return got >= want-1 && got <= want+1 }

// waitFor polls cond until it holds; a scheduler that never gets there within a generous
// deadline is broken, not slow.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("no %s within 60s: the scheduler is not running", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestOneLeaderAcrossReplicasOnPostgres runs two schedulers on one database: every tick of
// the leader runs the job, no tick of the other does, and when the leader stops the other
// runs every one of its ticks. It counts ticks, not wall time, and compares counts only
// once the scheduler that made them has stopped.
func TestOneLeaderAcrossReplicasOnPostgres(t *testing.T) {
	url := dbtest.PostgresURL(t)
	a := newReplica(t, "a", openPostgres(t, url))
	b := newReplica(t, "b", openPostgres(t, url))
	if a.elector == nil || b.elector == nil {
		t.Fatal("no elector on PostgreSQL")
	}

	a.start(t)
	b.start(t)
	waitFor(t, "5 ticks on each replica", func() bool { return a.elector.ticks.Load() >= 5 && b.elector.ticks.Load() >= 5 })
	leader, follower := a, b
	if b.runs.Load() > a.runs.Load() {
		leader, follower = b, a
	}
	leader.stop()
	// The leader holds the lock until it stops, so the follower has not run since.
	lt, lr, fr := leader.elector.ticks.Load(), leader.runs.Load(), follower.runs.Load()
	t.Logf("%s led: %d runs in %d ticks; %s ran %d", leader.name, lr, lt, follower.name, fr)
	if fr > 1 {
		t.Fatalf("%s ran %d times while %s led: a tick ran twice", follower.name, fr, leader.name)
	}
	if total := lr + fr; !near(total, lt) {
		t.Fatalf("runs across replicas = %d, want the leader's ticks %d±1 (once per tick)", total, lt)
	}

	fRuns, fTicks := follower.runs.Load(), follower.elector.ticks.Load()
	waitFor(t, "5 ticks of the follower after the leader stopped", func() bool { return follower.elector.ticks.Load()-fTicks >= 5 })
	follower.stop()
	taken, ticks := follower.runs.Load()-fRuns, follower.elector.ticks.Load()-fTicks
	t.Logf("after the leader stopped: %s ran %d of %d ticks", follower.name, taken, ticks)
	if !near(taken, ticks) {
		t.Fatalf("after the leader stopped, %s ran %d of its %d ticks, want all (±1)", follower.name, taken, ticks)
	}
	if leader.runs.Load() != lr {
		t.Fatal("the stopped leader kept running the job")
	}
}

func TestEveryTickRunsOnSQLite(t *testing.T) {
	r := newReplica(t, "solo", dbtest.SQLite(t))
	if r.elector != nil {
		t.Fatal("an elector on SQLite: one process owns the file, every tick should run locally")
	}
	begin := time.Now()
	r.start(t)
	waitFor(t, "5 runs", func() bool { return r.runs.Load() >= 5 })
	r.stop()
	// A loaded machine may drop ticks, but never adds any.
	if got, wall := r.runs.Load(), int64(time.Since(begin)/interval); got > wall+1 {
		t.Fatalf("runs = %d in %d ticks of wall time", got, wall)
	}
}

func TestFailingJobKeepsRunning(t *testing.T) {
	var runs atomic.Int64
	job := scheduler.Job{Name: "fails", Interval: interval, Run: func(context.Context) error {
		runs.Add(1)
		return errors.New("always")
	}}
	s, err := scheduler.New(config.Config{}, quiet, dbtest.SQLite(t), []scheduler.Job{job})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "third run of a job whose runs all fail", func() bool { return runs.Load() >= 3 })
	if err := s.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestElectorReleasesOnClose(t *testing.T) {
	url := dbtest.PostgresURL(t)
	sqlA, err := openPostgres(t, url).Gorm.DB()
	if err != nil {
		t.Fatal(err)
	}
	sqlB, err := openPostgres(t, url).Gorm.DB()
	if err != nil {
		t.Fatal(err)
	}
	ea := scheduler.NewElector(sqlA, 42, quiet)
	eb := scheduler.NewElector(sqlB, 42, quiet)
	ctx := context.Background()
	if err := ea.IsLeader(ctx); err != nil {
		t.Fatalf("first elector: %v", err)
	}
	if err := ea.IsLeader(ctx); err != nil {
		t.Fatalf("leader asked again: %v", err)
	}
	if err := eb.IsLeader(ctx); !errors.Is(err, scheduler.ErrNotLeader) {
		t.Fatalf("second elector: %v, want ErrNotLeader", err)
	}
	ea.Close()
	if err := eb.IsLeader(ctx); err != nil {
		t.Fatalf("second elector after the leader closed: %v", err)
	}
	if err := ea.IsLeader(ctx); !errors.Is(err, scheduler.ErrNotLeader) {
		t.Fatalf("old leader: %v, want ErrNotLeader", err)
	}
	eb.Close()
	ea.Close()
	// Closing must not leave the lock on a pooled connection. Other tests share the server,
	// so only this test's database counts.
	var held int
	const q = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
	if err := sqlA.QueryRowContext(ctx, q).Scan(&held); err != nil {
		t.Fatal(err)
	}
	if held != 0 {
		t.Fatalf("%d advisory locks still held after both electors closed", held)
	}
}
