// Package usage is the usage module: storage quotas by effective plan (uploads reserve
// their length, completion settles it, failures release it), the bytes each video and
// its derived files take, and metering per corporation and UTC day (stored bytes, egress
// bytes written by stream responses, first views, uploads) with GET
// /v1/corporations/{id}/usage and totals in /metrics.
package usage

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"go.uber.org/fx"

	"vms/modules/usage/adapters/gormrepo"
	"vms/modules/usage/adapters/httpapi"
	"vms/modules/usage/ports"
	"vms/modules/usage/service"
	"vms/modules/video/videoevents"
	"vms/platform/clock"
	"vms/platform/config"
	"vms/platform/database"
	"vms/platform/events"
	"vms/platform/httpserver"
	"vms/platform/scheduler"
)

// ReleaseJobName is the name of the job releasing expired reservations.
const ReleaseJobName = "usage-reservations"

// ReleaseInterval is how often expired reservations are looked for.
const ReleaseInterval = 5 * time.Minute

// Module provides the usage service (the quota of uploads, bound in app/wiring to the
// video and upload modules), its ledger (the size of derived files, bound to the media
// module), the meter (bound to the
// video module's Deliveries), the usage route, the first-view counter, the job releasing
// expired reservations and the usage metrics. It needs ports.Plans from the corporation
// module.
var Module = fx.Module("usage",
	fx.Provide(
		fx.Private,
		fx.Annotate(gormrepo.New, fx.As(new(ports.Repository))),
		func(db *database.DB) ports.UnitOfWork { return db },
		func() ports.Clock { return clock.System{} },
	),
	fx.Provide(
		NewLedger,
		NewService,
		NewMeter,
		fx.Annotate(httpapi.New, fx.As(new(httpserver.Registrar)), fx.ResultTags(`group:"routes"`)),
		fx.Annotate(firstViews, fx.ResultTags(`group:"event_handlers"`)),
		fx.Annotate(NewReleaseJob, fx.ResultTags(`group:"periodic"`)),
	),
	fx.Invoke(registerMetrics),
)

// NewLedger builds the ledger of stored and reserved bytes.
func NewLedger(repo ports.Repository, uow ports.UnitOfWork, c ports.Clock, log *slog.Logger) *service.Ledger {
	return service.NewLedger(service.Deps{Repo: repo, UoW: uow, Clock: c, Log: log})
}

// NewService builds the quota and report use cases over the ledger.
func NewService(cfg config.Config, l *service.Ledger, plans ports.Plans) *service.Service {
	return service.New(l, plans, service.Settings{FreeQuota: cfg.FreeStorageQuota, PaidQuota: cfg.PaidStorageQuota})
}

// NewMeter builds the meter. With USAGE_METERING on it flushes every
// USAGE_FLUSH_INTERVAL from start, and once more at stop: its stop hook is added when the
// stream routes first need it, before the HTTP server's, so it runs after the server has
// let the last responses finish.
func NewMeter(lc fx.Lifecycle, cfg config.Config, repo ports.Repository, uow ports.UnitOfWork, c ports.Clock, log *slog.Logger) *service.Meter {
	m := service.NewMeter(repo, uow, c, log)
	if cfg.UsageMetering {
		lc.Append(fx.Hook{
			OnStart: func(context.Context) error { m.Start(cfg.UsageFlushInterval); return nil },
			OnStop:  m.Stop,
		})
	}
	return m
}

// firstViews counts each first view of a corporation's video, in memory: the handler runs
// in the unit of work that writes the view log and adds no statement to it.
func firstViews(cfg config.Config, m *service.Meter) events.Handler {
	return events.HandlerFunc(func(_ context.Context, e videoevents.VideoViewed) error {
		if cfg.UsageMetering {
			m.FirstView(e.CorporationID)
		}
		return nil
	})
}

// NewReleaseJob is the scheduler job that gives back reservations of uploads whose
// process died before settling or releasing them, every ReleaseInterval.
func NewReleaseJob(svc *service.Ledger, log *slog.Logger) scheduler.Job {
	return scheduler.Job{Name: ReleaseJobName, Interval: ReleaseInterval, Run: func(ctx context.Context) error {
		n, err := svc.ReleaseExpired(ctx)
		if n > 0 {
			log.InfoContext(ctx, "expired storage reservations released", "job", ReleaseJobName, "count", n)
		}
		if err != nil {
			return fmt.Errorf("usage reservations: %w", err)
		}
		return nil
	}}
}
