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

// TestOneLeaderAcrossReplicasOnPostgres runs two schedulers on one database: every tick of
// the leader runs the job, no tick of the other does, and when the leader stops the other
// runs every one of its ticks.
func TestOneLeaderAcrossReplicasOnPostgres(t *testing.T) {
	url := dbtest.PostgresURL(t)
	a := newReplica(t, "a", openPostgres(t, url))
	b := newReplica(t, "b", openPostgres(t, url))
	if a.elector == nil || b.elector == nil {
		t.Fatal("no elector on PostgreSQL")
	}

	a.start(t)
	b.start(t)
	time.Sleep(2 * time.Second)
	ra, rb := a.runs.Load(), b.runs.Load()
	leader, follower := a, b
	if rb > ra {
		leader, follower = b, a
	}
	lt, ft := leader.elector.ticks.Load(), follower.elector.ticks.Load()
	t.Logf("runs a=%d b=%d; ticks %s=%d %s=%d", ra, rb, leader.name, lt, follower.name, ft)
	if lt < 3 || ft < 3 {
		t.Fatalf("too few ticks in 2s (%d, %d): the scheduler is not running", lt, ft)
	}
	if total := ra + rb; !near(total, lt) {
		t.Fatalf("runs across replicas = %d, want the leader's ticks %d±1 (once per tick)", total, lt)
	}
	if got := follower.runs.Load(); got > 1 {
		t.Fatalf("%s ran %d times while %s led: a tick ran twice", follower.name, got, leader.name)
	}

	leader.stop()
	leaderRuns := leader.runs.Load()
	fRuns, fTicks := follower.runs.Load(), follower.elector.ticks.Load()
	time.Sleep(1500 * time.Millisecond)
	taken, ticks := follower.runs.Load()-fRuns, follower.elector.ticks.Load()-fTicks
	t.Logf("after the leader stopped: %s ran %d of %d ticks", follower.name, taken, ticks)
	if ticks < 3 || !near(taken, ticks) {
		t.Fatalf("after the leader stopped, %s ran %d of its %d ticks, want all (±1)", follower.name, taken, ticks)
	}
	if leader.runs.Load() != leaderRuns {
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
	time.Sleep(1*time.Second + interval/2)
	// Wall-clock ticks: a loaded machine may drop some, but never adds any.
	wall := int64(time.Since(begin) / interval)
	if got := r.runs.Load(); got > wall+1 || got < wall/2 {
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
	_ = s.Start(context.Background())
	time.Sleep(3*interval + interval/2)
	if err := s.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := runs.Load(); n < 2 {
		t.Fatalf("failing job ran %d times, want it to keep its schedule", n)
	}
}

func TestElectorReleasesOnClose(t *testing.T) {
	url := dbtest.PostgresURL(t)
	sqlA, _ := openPostgres(t, url).Gorm.DB()
	sqlB, _ := openPostgres(t, url).Gorm.DB()
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
	// Closing must not leave the lock on a pooled connection.
	var held int
	if err := sqlA.QueryRowContext(ctx, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'").Scan(&held); err != nil {
		t.Fatal(err)
	}
	if held != 0 {
		t.Fatalf("%d advisory locks still held after both electors closed", held)
	}
}
