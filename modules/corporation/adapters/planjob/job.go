// Package planjob contributes the periodic job that downgrades expired PAID plans.
package planjob

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"vms/platform/config"
	"vms/platform/scheduler"
)

// Name is the job's name in the scheduler and the logs.
const Name = "plan-expiry"

// Downgrader moves expired PAID corporations to FREE and returns how many changed.
type Downgrader interface {
	DowngradeExpired(ctx context.Context) (int64, error)
}

// Runner runs one sweep, logging and counting the downgrades.
type Runner struct {
	d       Downgrader
	log     *slog.Logger
	counter prometheus.Counter
}

// NewRunner builds the runner and registers its counter, vms_plan_expiry_downgraded_total.
func NewRunner(d Downgrader, log *slog.Logger, reg prometheus.Registerer) (*Runner, error) {
	c := prometheus.NewCounter(prometheus.CounterOpts{
		Name: "vms_plan_expiry_downgraded_total",
		Help: "Corporations moved from an expired PAID plan to FREE by the plan expiry job.",
	})
	if err := reg.Register(c); err != nil {
		return nil, fmt.Errorf("register plan expiry counter: %w", err)
	}
	return &Runner{d: d, log: log, counter: c}, nil
}

// Run downgrades every expired PAID corporation in one statement.
func (r *Runner) Run(ctx context.Context) error {
	n, err := r.d.DowngradeExpired(ctx)
	if err != nil {
		return fmt.Errorf("plan expiry: %w", err)
	}
	r.counter.Add(float64(n))
	if n > 0 {
		r.log.InfoContext(ctx, "expired plans downgraded", "job", Name, "count", n)
	} else {
		r.log.DebugContext(ctx, "no expired plans", "job", Name)
	}
	return nil
}

// NewJob is the scheduler job running r every PLAN_EXPIRY_INTERVAL.
func NewJob(cfg config.Config, r *Runner) scheduler.Job {
	return scheduler.Job{Name: Name, Interval: cfg.PlanExpiryInterval, Run: r.Run}
}

// Counter is the downgrade counter.
func (r *Runner) Counter() prometheus.Counter { return r.counter }
