package scheduler_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"vms/platform/config"
	"vms/platform/database"
	"vms/platform/database/dbtest"
	"vms/platform/scheduler"
)

const interval = 200 * time.Millisecond

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

type replica struct {
	name  string
	sched *scheduler.Scheduler
	runs  atomic.Int64
	stop  func()
}

func newReplica(t *testing.T, name string, db *database.DB) *replica {
	t.Helper()
	r := &replica{name: name}
	job := scheduler.Job{Name: "count", Interval: interval, Run: func(context.Context) error {
		r.runs.Add(1)
		return nil
	}}
	s, err := scheduler.New(config.Config{}, quiet, db, []scheduler.Job{job})
	if err != nil {
		t.Fatalf("scheduler.New: %v", err)
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

// ticks is how many ticks one scheduler has in d.
func ticks(d time.Duration) int64 { return int64(d / interval) }

func near(got, want int64) bool { return got >= want-1 && got <= want+1 }

func TestOneLeaderAcrossReplicasOnPostgres(t *testing.T) {
	url := dbtest.PostgresURL(t)
	a := newReplica(t, "a", openPostgres(t, url))
	b := newReplica(t, "b", openPostgres(t, url))

	begin := time.Now()
	a.start(t)
	b.start(t)
	time.Sleep(2*time.Second + interval/2)
	elapsed := time.Since(begin)
	ra, rb := a.runs.Load(), b.runs.Load()
	if total, want := ra+rb, ticks(elapsed); !near(total, want) {
		t.Fatalf("runs a=%d b=%d total=%d, want %d±1 (one run per tick across replicas)", ra, rb, total, want)
	}
	if ra > 0 && rb > 0 {
		t.Fatalf("both replicas ran the job (a=%d b=%d): leadership moved without the leader stopping", ra, rb)
	}

	leader, follower := a, b
	if rb > 0 {
		leader, follower = b, a
	}
	leader.stop()
	leaderRuns, followerRuns := leader.runs.Load(), follower.runs.Load()
	handover := time.Now()
	time.Sleep(1500 * time.Millisecond)
	taken := follower.runs.Load() - followerRuns
	if want := ticks(time.Since(handover)); !near(taken, want) {
		t.Fatalf("after the leader stopped, %s ran %d times in %s, want %d±1", follower.name, taken, time.Since(handover), want)
	}
	if leader.runs.Load() != leaderRuns {
		t.Fatal("the stopped leader kept running the job")
	}
}

func TestEveryTickRunsOnSQLite(t *testing.T) {
	r := newReplica(t, "solo", dbtest.SQLite(t))
	begin := time.Now()
	r.start(t)
	time.Sleep(1*time.Second + interval/2)
	if got, want := r.runs.Load(), ticks(time.Since(begin)); !near(got, want) {
		t.Fatalf("runs = %d, want %d±1", got, want)
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
