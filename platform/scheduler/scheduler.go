// Package scheduler runs periodic jobs with gocron. On PostgreSQL only the replica that
// holds the leader lock runs jobs, so a job runs once per tick across replicas; on SQLite
// (one process owns the file) every tick runs locally.
package scheduler

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/go-co-op/gocron/v2"

	"vms/platform/config"
	"vms/platform/database"
)

// Job is a periodic task contributed by a module.
type Job struct {
	Name     string
	Interval time.Duration
	Run      func(ctx context.Context) error
}

// Scheduler owns the gocron scheduler and, on PostgreSQL, the leader elector.
type Scheduler struct {
	log     *slog.Logger
	s       gocron.Scheduler
	elector *Elector
	jobs    []Job
}

// New builds the scheduler; jobs start with Start.
func New(cfg config.Config, log *slog.Logger, db *database.DB, jobs []Job) (*Scheduler, error) {
	return newScheduler(log, db, jobs, nil)
}

// newScheduler builds the scheduler; observe, when set, wraps the elector so tests can
// count the leadership questions (one per tick).
func newScheduler(log *slog.Logger, db *database.DB, jobs []Job, observe func(gocron.Elector) gocron.Elector) (*Scheduler, error) {
	opts := []gocron.SchedulerOption{gocron.WithStopTimeout(10 * time.Second), gocron.WithLocation(time.UTC)}
	sc := &Scheduler{log: log, jobs: jobs}
	if db.Dialect == database.Postgres {
		sqlDB, err := db.Gorm.DB()
		if err != nil {
			return nil, err
		}
		sc.elector = NewElector(sqlDB, LeaderLockKey, log)
		var el gocron.Elector = sc.elector
		if observe != nil {
			el = observe(el)
		}
		opts = append(opts, gocron.WithDistributedElector(el))
	}
	s, err := gocron.NewScheduler(opts...)
	if err != nil {
		return nil, fmt.Errorf("scheduler: %w", err)
	}
	sc.s = s
	for _, j := range jobs {
		j := j
		_, err := s.NewJob(gocron.DurationJob(j.Interval),
			gocron.NewTask(func() { sc.run(j) }),
			gocron.WithName(j.Name),
			gocron.WithSingletonMode(gocron.LimitModeReschedule),
		)
		if err != nil {
			return nil, fmt.Errorf("schedule %s: %w", j.Name, err)
		}
	}
	return sc, nil
}

func (sc *Scheduler) run(j Job) {
	ctx, cancel := context.WithTimeout(context.Background(), max(j.Interval, 30*time.Second))
	defer cancel()
	if err := j.Run(ctx); err != nil {
		sc.log.Error("job failed", "job", j.Name, "err", err)
	}
}

// Start starts the scheduler.
func (sc *Scheduler) Start(context.Context) error {
	sc.s.Start()
	return nil
}

// Stop waits for running jobs and releases the leader lock.
func (sc *Scheduler) Stop(context.Context) error {
	err := sc.s.Shutdown()
	if sc.elector != nil {
		sc.elector.Close()
	}
	return err
}
