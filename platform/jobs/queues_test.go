package jobs_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/riverqueue/river"

	"vms/platform/database"
	"vms/platform/database/dbtest"
	"vms/platform/jobs"
)

type queuedArgs struct {
	N int `json:"n"`
}

func (queuedArgs) Kind() string { return "test_queued" }

func (queuedArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: "side"} }

type queuedWorker struct {
	river.WorkerDefaults[queuedArgs]
	done chan int
}

func (w *queuedWorker) Work(_ context.Context, j *river.Job[queuedArgs]) error {
	w.done <- j.Args.N
	return nil
}

// InsertMany commits or rolls back with the unit of work like Insert, and jobs of a queue
// contributed beside the default one are worked.
func TestInsertManyIntoAQueueOfItsOwn(t *testing.T) {
	each(t, func(t *testing.T, db *database.DB, url string) {
		w := &queuedWorker{done: make(chan int, 8)}
		log := slog.New(slog.NewTextHandler(io.Discard, nil))
		m, err := jobs.NewMetrics(prometheus.NewRegistry(), db, log)
		if err != nil {
			t.Fatal(err)
		}
		s := jobs.Settings{Workers: 1, Timeout: 10 * time.Second, RescueAfter: time.Minute, PollInterval: 50 * time.Millisecond}
		j, err := jobs.New(db, url, s, log, m, []jobs.Registration{func(ws *river.Workers) error { return river.AddWorkerSafely(ws, w) }},
			jobs.Queue{Name: "side", MaxWorkers: 3})
		if err != nil {
			t.Fatal(err)
		}
		if err := j.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = j.Stop(ctx)
		})
		ins, err := jobs.NewInserter(db)
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		many := func(ns ...int) []river.InsertManyParams {
			out := make([]river.InsertManyParams, 0, len(ns))
			for _, n := range ns {
				out = append(out, river.InsertManyParams{Args: queuedArgs{N: n}})
			}
			return out
		}
		boom := errors.New("refused")
		if err := db.Do(ctx, func(ctx context.Context) error {
			if err := ins.InsertMany(ctx, many(1, 2)); err != nil {
				return err
			}
			return boom
		}); !errors.Is(err, boom) {
			t.Fatalf("Do = %v", err)
		}
		if n := dbtest.QueryInt(t, db, "SELECT COUNT(*) FROM river_job"); n != 0 {
			t.Fatalf("a rolled back InsertMany left %d jobs", n)
		}
		if err := ins.InsertMany(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if err := db.Do(ctx, func(ctx context.Context) error { return ins.InsertMany(ctx, many(3, 4, 5)) }); err != nil {
			t.Fatal(err)
		}
		got := map[int]bool{}
		for range 3 {
			select {
			case n := <-w.done:
				got[n] = true
			case <-time.After(15 * time.Second):
				t.Fatalf("worked %v of the jobs 3 to 5", got)
			}
		}
		for n := 3; n <= 5; n++ {
			if !got[n] {
				t.Fatalf("worked %v, want 3 to 5", got)
			}
		}
		if n := dbtest.QueryInt(t, db, "SELECT COUNT(*) FROM river_job WHERE queue = 'side'"); n != 3 {
			t.Fatalf("%d jobs in the queue side, want 3", n)
		}
	})
}
