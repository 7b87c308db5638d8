// Package jobs runs background work on River, on PostgreSQL and on the embedded SQLite
// database alike. Modules contribute workers through the "workers" value group and insert
// jobs through Insert, inside their unit of work, so a job commits or rolls back with the
// change that needs it. Time-driven work stays with the scheduler (gocron): its leader
// does the work itself or inserts a job unique to the tick.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivertype"

	"vms/platform/config"
	"vms/platform/database"
)

// Client is River's client over database/sql: one type for both databases, so a job is
// inserted with the *sql.Tx behind the unit of work.
type Client = river.Client[*sql.Tx]

// Inserter inserts jobs. It is an insert-only client, apart from the working one, so that
// the modules whose workers the working client runs can insert jobs without depending on
// it. On PostgreSQL an insert also notifies the replicas' working clients.
type Inserter struct {
	db     *database.DB
	client *Client
}

// NewInserter builds the insert-only client.
func NewInserter(db *database.DB) (*Inserter, error) {
	sqlDB, err := db.Gorm.DB()
	if err != nil {
		return nil, err
	}
	// An insert-only client fetches nothing: its FetchCooldown only paces its insert
	// notifications, at most one per queue per cooldown. River's default (100 ms) drops the
	// notification of a job committed within 100 ms of another, and that job then waits for
	// a replica's next poll (up to PollInterval, 1 s on PostgreSQL) while workers are idle.
	// The minimum notifies every insert. On PostgreSQL the commits of notifying
	// transactions queue on one lock, so work inserted by every request of a hot path
	// should go through a relay that inserts many jobs at once (the webhook outbox does).
	cfg := &river.Config{FetchCooldown: river.FetchCooldownMin}
	var client *Client
	if db.Dialect == database.Postgres {
		client, err = river.NewClient(riverdatabasesql.New(sqlDB), cfg)
	} else {
		client, err = river.NewClient(riversqlite.New(sqlDB), cfg)
	}
	if err != nil {
		return nil, fmt.Errorf("job inserter: %w", err)
	}
	return &Inserter{db: db, client: client}, nil
}

// Insert inserts a job inside the unit of work carried by ctx (or a new one when there is
// none), so the job exists exactly when that unit of work commits.
func (i *Inserter) Insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	return i.db.Do(ctx, func(ctx context.Context) error {
		tx, ok := database.SQLTx(ctx)
		if !ok {
			return errors.New("insert job: the unit of work has no database/sql transaction")
		}
		if _, err := i.client.InsertTx(ctx, tx, args, opts); err != nil {
			return fmt.Errorf("insert %s job: %w", args.Kind(), err)
		}
		return nil
	})
}

// InsertMany inserts several jobs at once inside the unit of work carried by ctx (or a
// new one when there is none), like Insert, with one notification per queue.
func (i *Inserter) InsertMany(ctx context.Context, params []river.InsertManyParams) error {
	if len(params) == 0 {
		return nil
	}
	return i.db.Do(ctx, func(ctx context.Context) error {
		tx, ok := database.SQLTx(ctx)
		if !ok {
			return errors.New("insert jobs: the unit of work has no database/sql transaction")
		}
		if _, err := i.client.InsertManyTx(ctx, tx, params); err != nil {
			return fmt.Errorf("insert %d %s jobs: %w", len(params), params[0].Args.Kind(), err)
		}
		return nil
	})
}

// Queue is a queue of its own that a module's jobs go to (InsertOpts.Queue), worked by
// up to MaxWorkers jobs at once per replica beside the default queue's JOB_WORKERS: short
// I/O-bound jobs (webhook deliveries) then never wait behind long ones (media processing).
// Modules contribute queues through the "job_queues" value group.
type Queue struct {
	Name       string
	MaxWorkers int
}

// Registration adds a module's workers to River's registry (river.AddWorkerSafely).
type Registration func(*river.Workers) error

// Settings tune the client.
type Settings struct {
	// Workers is how many jobs this replica works at once (JOB_WORKERS).
	Workers int
	// Timeout cancels a job's context after this long (JOB_TIMEOUT).
	Timeout time.Duration
	// RescueAfter is how long a job may stay running before it is taken for one whose
	// process died and is made available again (JOB_RESCUE_AFTER); longer than Timeout.
	RescueAfter time.Duration
	// PollInterval is how often a replica looks for new jobs when it is not told of
	// them: SQLite has no notifications, PostgreSQL has LISTEN/NOTIFY as well.
	PollInterval time.Duration
}

// SettingsFrom reads the settings from the configuration.
func SettingsFrom(cfg config.Config, dialect database.Dialect) Settings {
	s := Settings{Workers: cfg.JobWorkers, Timeout: cfg.JobTimeout, RescueAfter: cfg.JobRescueAfter, PollInterval: time.Second}
	if dialect == database.SQLite {
		s.PollInterval = 100 * time.Millisecond
	}
	return s
}

// fetchCooldown is the least time between two fetches of a replica. River's default
// (100 ms) holds back the fetch for a job notified, or a worker freed, within 100 ms of the
// previous fetch; jobs here are few and long (media processing), so a fetch is cheap next
// to a worker left idle.
const fetchCooldown = 10 * time.Millisecond

// Jobs owns the River client of this replica.
type Jobs struct {
	db       *database.DB
	client   *Client
	listener *pgxpool.Pool
	log      *slog.Logger
	metrics  *Metrics
	working  bool
	stop     context.CancelFunc
	done     chan struct{}
}

// New builds the client with every registered worker, working the default queue and the
// given queues; it starts working with Start.
func New(db *database.DB, databaseURL string, s Settings, log *slog.Logger, metrics *Metrics, regs []Registration, queues ...Queue) (*Jobs, error) {
	workers := river.NewWorkers()
	for _, r := range regs {
		if err := r(workers); err != nil {
			return nil, fmt.Errorf("register job worker: %w", err)
		}
	}
	sqlDB, err := db.Gorm.DB()
	if err != nil {
		return nil, err
	}
	j := &Jobs{db: db, log: log, metrics: metrics}
	cfg := &river.Config{
		Queues:               map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: s.Workers}},
		Workers:              workers,
		JobTimeout:           s.Timeout,
		RescueStuckJobsAfter: s.RescueAfter,
		FetchPollInterval:    s.PollInterval,
		FetchCooldown:        min(s.PollInterval, fetchCooldown),
		Logger:               log.With("component", "jobs"),
		ErrorHandler:         errorLogger{log},
	}
	for _, q := range queues {
		cfg.Queues[q.Name] = river.QueueConfig{MaxWorkers: q.MaxWorkers}
	}
	if len(regs) == 0 {
		// Nothing to work here: an insert-only client.
		cfg.Queues, cfg.Workers = nil, nil
	}
	var client *Client
	if db.Dialect == database.Postgres {
		j.listener, err = pgxpool.New(context.Background(), databaseURL+listenerPoolOptions(databaseURL))
		if err != nil {
			return nil, fmt.Errorf("job listener: %w", err)
		}
		client, err = river.NewClient(riverdatabasesql.NewWithPgxListener(sqlDB, j.listener), cfg)
	} else {
		client, err = river.NewClient(riversqlite.New(sqlDB), cfg)
	}
	if err != nil {
		if j.listener != nil {
			j.listener.Close()
		}
		return nil, fmt.Errorf("job client: %w", err)
	}
	j.client = client
	j.working = len(regs) > 0
	return j, nil
}

func listenerPoolOptions(url string) string {
	sep := "?"
	for _, c := range url {
		if c == '?' {
			sep = "&"
		}
	}
	return sep + "pool_max_conns=2"
}

// Client is the River client, for tests and tools that inspect the queue.
func (j *Jobs) Client() *Client { return j.client }

// Start starts working jobs until Stop.
func (j *Jobs) Start(context.Context) error {
	if !j.working {
		return nil
	}
	// River keeps the start context for its lifetime: it must outlive the start hook.
	ctx, cancel := context.WithCancel(context.Background())
	events, unsubscribe := j.client.Subscribe(river.EventKindJobCompleted, river.EventKindJobFailed,
		river.EventKindJobCancelled, river.EventKindJobSnoozed)
	j.done = make(chan struct{})
	go func() {
		defer close(j.done)
		for ev := range events {
			j.metrics.observe(ev)
		}
	}()
	if err := j.client.Start(ctx); err != nil {
		cancel()
		unsubscribe()
		return fmt.Errorf("start jobs: %w", err)
	}
	j.stop = func() { cancel(); unsubscribe() }
	return nil
}

// Stop lets running jobs finish until ctx ends, then cancels them; a cancelled job is
// retried later, here or on another replica.
func (j *Jobs) Stop(ctx context.Context) error {
	if j.stop == nil {
		j.closeListener()
		return nil
	}
	err := j.client.Stop(ctx)
	if err != nil {
		hard, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err = errors.Join(err, j.client.StopAndCancel(hard))
	}
	j.stop()
	<-j.done
	j.closeListener()
	return err
}

func (j *Jobs) closeListener() {
	if j.listener != nil {
		j.listener.Close()
	}
}

type errorLogger struct{ log *slog.Logger }

func (e errorLogger) HandleError(ctx context.Context, job *rivertype.JobRow, err error) *river.ErrorHandlerResult {
	e.log.WarnContext(ctx, "job attempt failed", "kind", job.Kind, "job_id", job.ID, "attempt", job.Attempt, "max_attempts", job.MaxAttempts, "err", err)
	return nil
}

func (e errorLogger) HandlePanic(ctx context.Context, job *rivertype.JobRow, panicVal any, trace string) *river.ErrorHandlerResult {
	e.log.ErrorContext(ctx, "job panicked", "kind", job.Kind, "job_id", job.ID, "attempt", job.Attempt, "panic", fmt.Sprint(panicVal), "trace", trace)
	return nil
}
