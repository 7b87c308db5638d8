package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"vms/platform/database"
	"vms/platform/database/dbtest"
	"vms/platform/jobs"
)

type echoArgs struct {
	N int `json:"n"`
}

func (echoArgs) Kind() string { return "test_echo" }

type echoWorker struct {
	river.WorkerDefaults[echoArgs]
	done chan int
	fail atomic.Bool
}

func (w *echoWorker) Work(_ context.Context, j *river.Job[echoArgs]) error {
	if w.fail.Load() {
		return errors.New("broken on purpose")
	}
	w.done <- j.Args.N
	return nil
}

func start(t *testing.T, db *database.DB, url string, w *echoWorker) (*jobs.Inserter, *prometheus.Registry) {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	reg := prometheus.NewRegistry()
	m, err := jobs.NewMetrics(reg, db, log)
	if err != nil {
		t.Fatal(err)
	}
	s := jobs.Settings{Workers: 2, Timeout: 10 * time.Second, RescueAfter: time.Minute, PollInterval: 50 * time.Millisecond}
	j, err := jobs.New(db, url, s, log, m, []jobs.Registration{func(ws *river.Workers) error { return river.AddWorkerSafely(ws, w) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := j.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := j.Stop(ctx); err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	ins, err := jobs.NewInserter(db)
	if err != nil {
		t.Fatal(err)
	}
	return ins, reg
}

func each(t *testing.T, fn func(t *testing.T, db *database.DB, url string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, dbtest.SQLite(t), "") })
	t.Run("postgres", func(t *testing.T) {
		url := dbtest.PostgresURL(t)
		db, err := database.Open(url, database.Options{MaxOpenConns: 10, MaxIdleConns: 5})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db.Close() })
		if err := db.MigrateUp(context.Background()); err != nil {
			t.Fatal(err)
		}
		fn(t, db, url)
	})
}

func countJobs(t *testing.T, db *database.DB) int64 {
	t.Helper()
	return dbtest.QueryInt(t, db, "SELECT COUNT(*) FROM river_job")
}

// A job inserted in a unit of work that rolls back does not exist; one that commits is
// worked.
func TestInsertFollowsTheUnitOfWork(t *testing.T) {
	each(t, func(t *testing.T, db *database.DB, url string) {
		w := &echoWorker{done: make(chan int, 4)}
		j, reg := start(t, db, url, w)
		ctx := context.Background()
		errRollback := errors.New("change refused")
		err := db.Do(ctx, func(ctx context.Context) error {
			if err := j.Insert(ctx, echoArgs{N: 1}, nil); err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatalf("Do = %v", err)
		}
		if n := countJobs(t, db); n != 0 {
			t.Fatalf("a rolled back unit of work left %d jobs", n)
		}
		if err := db.Do(ctx, func(ctx context.Context) error { return j.Insert(ctx, echoArgs{N: 2}, nil) }); err != nil {
			t.Fatal(err)
		}
		select {
		case n := <-w.done:
			if n != 2 {
				t.Fatalf("worked job %d, want 2", n)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("the committed job was not worked")
		}
		select {
		case n := <-w.done:
			t.Fatalf("the rolled back job %d was worked", n)
		case <-time.After(300 * time.Millisecond):
		}
		// Completion is recorded after Work returns; the metrics follow it.
		kind := map[string]string{"kind": "test_echo"}
		eventually(t, "vms_job_attempts_total{outcome=completed} never reached 1", func() bool {
			return value(t, reg, "vms_job_attempts_total", map[string]string{"kind": "test_echo", "outcome": "completed"}) == 1
		})
		eventually(t, "vms_jobs{state=completed} never reached 1", func() bool {
			return value(t, reg, "vms_jobs", map[string]string{"kind": "test_echo", "state": "completed"}) == 1
		})
		if n := value(t, reg, "vms_job_duration_seconds", kind); n != 1 {
			t.Fatalf("vms_job_duration_seconds count = %v, want 1", n)
		}
		if n := value(t, reg, "vms_job_failures_total", kind); n != 0 {
			t.Fatalf("vms_job_failures_total = %v, want 0", n)
		}
	})
}

// Insert outside a unit of work opens one of its own.
func TestInsertWithoutUnitOfWork(t *testing.T) {
	each(t, func(t *testing.T, db *database.DB, url string) {
		w := &echoWorker{done: make(chan int, 1)}
		j, _ := start(t, db, url, w)
		if err := j.Insert(context.Background(), echoArgs{N: 7}, nil); err != nil {
			t.Fatal(err)
		}
		select {
		case n := <-w.done:
			if n != 7 {
				t.Fatalf("worked %d", n)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("job not worked")
		}
	})
}

// A job that keeps failing is discarded after its attempts, and each failure is counted.
func TestFailingJobIsDiscardedAfterItsAttempts(t *testing.T) {
	each(t, func(t *testing.T, db *database.DB, url string) {
		w := &echoWorker{done: make(chan int, 1)}
		w.fail.Store(true)
		j, reg := start(t, db, url, w)
		if err := j.Insert(context.Background(), echoArgs{N: 3}, &river.InsertOpts{MaxAttempts: 1}); err != nil {
			t.Fatal(err)
		}
		eventually(t, "the failing job was not discarded", func() bool {
			return dbtest.QueryInt(t, db, "SELECT COUNT(*) FROM river_job WHERE state = 'discarded'") == 1
		})
		eventually(t, "vms_job_failures_total never reached 1", func() bool {
			return value(t, reg, "vms_job_failures_total", map[string]string{"kind": "test_echo"}) == 1
		})
	})
}

// value is the value of the metric name with the given labels (a histogram's count).
func value(t *testing.T, reg *prometheus.Registry, name string, labels map[string]string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	next:
		for _, m := range mf.GetMetric() {
			got := map[string]string{}
			for _, l := range m.GetLabel() {
				got[l.GetName()] = l.GetValue()
			}
			for k, v := range labels {
				if got[k] != v {
					continue next
				}
			}
			switch {
			case m.GetGauge() != nil:
				return m.GetGauge().GetValue()
			case m.GetCounter() != nil:
				return m.GetCounter().GetValue()
			case m.GetHistogram() != nil:
				return float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	return 0
}

// eventually fails the test unless cond holds within 15 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal(what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
