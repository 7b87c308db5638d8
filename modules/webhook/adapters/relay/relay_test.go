package relay_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"vms/modules/webhook/adapters/gormrepo"
	"vms/modules/webhook/adapters/relay"
	"vms/modules/webhook/adapters/worker"
	"vms/modules/webhook/domain"
	"vms/modules/webhook/service"
	"vms/platform/clock"
	"vms/platform/database"
	"vms/platform/database/dbtest"
	"vms/platform/jobs"
)

// env is the relay over a real database and River's inserter, with one endpoint of a
// corporation subscribed to user.created.
type env struct {
	db     *database.DB
	repo   *gormrepo.Repository
	svc    *service.Service
	signal *relay.Signal
	corp   int64
}

func newEnv(t *testing.T, db *database.DB) *env {
	t.Helper()
	ins, err := jobs.NewInserter(db)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{db: db, repo: gormrepo.New(db), signal: relay.NewSignal(), corp: dbtest.SeedCorporation(t, db, "Acme", "FREE")}
	e.svc = service.New(service.Deps{Repo: e.repo, Queue: worker.NewQueue(ins), UoW: db, Clock: clock.System{}, Relay: e.signal})
	if _, err := e.repo.CreateEndpoint(context.Background(), domain.Endpoint{
		CorporationID: e.corp, URL: "https://hooks.acme.example/", Events: []string{domain.UserCreated}, Enabled: true, Secret: domain.NewSecret(),
	}); err != nil {
		t.Fatal(err)
	}
	return e
}

// change commits a change that writes one delivery, waking the relay after the commit
// when wake is true (as the outbox does), or not (as a process that died right after its
// commit).
func (e *env) change(t *testing.T, wake bool) {
	t.Helper()
	err := e.db.Do(context.Background(), func(ctx context.Context) error {
		ids, err := e.repo.AddDeliveries(ctx, e.corp, domain.Event{ID: domain.NewEventID(), Type: domain.UserCreated, At: time.Now(), Body: []byte(`{}`)})
		if err == nil && len(ids) != 1 {
			t.Errorf("change wrote %d deliveries", len(ids))
		}
		if wake {
			e.db.AfterCommit(ctx, e.signal.Wake)
		}
		return err
	})
	if err != nil {
		t.Error(err)
	}
}

// jobs returns how many delivery jobs each delivery has.
func (e *env) jobs(t *testing.T) map[int64]int {
	t.Helper()
	// River keeps args as JSONB on SQLite; json() reads it back as text.
	text := "json(args)"
	if e.db.Dialect == database.Postgres {
		text = "args::text"
	}
	var rows []string
	if err := e.db.Gorm.Raw("SELECT " + text + " FROM river_job WHERE kind = 'webhook_deliver'").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	out := map[int64]int{}
	for _, r := range rows {
		var a worker.Args
		if err := json.Unmarshal([]byte(r), &a); err != nil {
			t.Fatalf("job args %q: %v", r, err)
		}
		out[a.DeliveryID]++
	}
	return out
}

func (e *env) pending(t *testing.T) int64 {
	t.Helper()
	return dbtest.QueryInt(t, e.db, "SELECT count(*) FROM webhook_deliveries WHERE enqueued_at IS NULL")
}

// counting counts the relay's runs that enqueued something.
type counting struct {
	r    relay.Relayer
	runs atomic.Int64
}

func (c *counting) Relay(ctx context.Context) (int, error) {
	n, err := c.r.Relay(ctx)
	if n > 0 {
		c.runs.Add(1)
	}
	return n, err
}

func start(t *testing.T, r relay.Relayer, s *relay.Signal, delay, sweep time.Duration) {
	t.Helper()
	run := relay.NewRunnerEvery(r, s, slog.New(slog.NewTextHandler(io.Discard, nil)), delay, sweep)
	if err := run.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = run.Stop(context.Background()) })
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Relays racing while changes commit (on several replicas, on PostgreSQL) enqueue every
// delivery exactly once.
func TestRelaysRacingEnqueueOnce(t *testing.T) {
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			e := newEnv(t, b.Open(t))
			const writers, each, relays = 4, 60, 3
			var wg sync.WaitGroup
			for range writers {
				wg.Go(func() {
					for range each {
						e.change(t, false)
					}
				})
			}
			var done atomic.Bool
			var total atomic.Int64
			var rg sync.WaitGroup
			for range relays {
				rg.Go(func() {
					for {
						last := done.Load()
						n, err := e.svc.Relay(context.Background())
						if err != nil {
							t.Error(err)
							return
						}
						total.Add(int64(n))
						if last && n == 0 {
							return
						}
					}
				})
			}
			wg.Wait()
			done.Store(true)
			rg.Wait()
			js := e.jobs(t)
			if total.Load() != writers*each || len(js) != writers*each || e.pending(t) != 0 {
				t.Fatalf("relays enqueued %d, jobs for %d deliveries, %d left; want %d", total.Load(), len(js), e.pending(t), writers*each)
			}
			for id, n := range js {
				if n != 1 {
					t.Fatalf("delivery %d has %d jobs", id, n)
				}
			}
		})
	}
}

// A wake after a commit runs the relay after the delay, merging a burst of changes into
// few batches; without a sweep in the test's time, the wake alone enqueues them.
func TestRunnerRunsOnWake(t *testing.T) {
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			e := newEnv(t, b.Open(t))
			c := &counting{r: e.svc}
			start(t, c, e.signal, 100*time.Millisecond, time.Hour)
			e.change(t, true)
			waitFor(t, "the woken relay's job", func() bool { return len(e.jobs(t)) == 1 })
			before := c.runs.Load()
			const burst = 40
			for range burst {
				e.change(t, true)
			}
			waitFor(t, "the burst's jobs", func() bool { return len(e.jobs(t)) == 1+burst })
			if runs := c.runs.Load() - before; runs > burst/4 {
				t.Fatalf("%d relay runs for a burst of %d changes, want them merged", runs, burst)
			}
		})
	}
}

// Deliveries committed by a process that died before its relay ran (no wake) are
// enqueued when a relay starts and by the periodic sweep.
func TestRunnerSweepsLeftovers(t *testing.T) {
	for _, b := range dbtest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			e := newEnv(t, b.Open(t))
			e.change(t, false)
			start(t, e.svc, e.signal, time.Hour, 200*time.Millisecond)
			waitFor(t, "the job of the delivery left before the start", func() bool { return len(e.jobs(t)) == 1 })
			e.change(t, false)
			e.change(t, false)
			waitFor(t, "the swept jobs", func() bool { return len(e.jobs(t)) == 3 && e.pending(t) == 0 })
		})
	}
}
