// Package webhook is the webhook module: endpoints of a corporation that receive signed
// events (Standard Webhooks) about its videos, views, users and plan. Events are written
// to a transactional outbox by handlers of the other modules' domain events, in the unit
// of work of the change; a relay inserts one River job per delivery in batches right
// after the commit, and the jobs post them with retries for about a day, behind an SSRF
// guard.
package webhook

import (
	"context"
	"log/slog"
	"time"

	"go.uber.org/fx"

	"vms/modules/webhook/adapters/gormrepo"
	"vms/modules/webhook/adapters/httpapi"
	"vms/modules/webhook/adapters/relay"
	"vms/modules/webhook/adapters/sender"
	"vms/modules/webhook/adapters/worker"
	"vms/modules/webhook/ports"
	"vms/modules/webhook/service"
	"vms/platform/clock"
	"vms/platform/config"
	"vms/platform/database"
	"vms/platform/events"
	"vms/platform/httpserver"
	"vms/platform/jobs"
	"vms/platform/scheduler"
)

// Module provides the webhook routes, the event handlers that write the outbox, the
// relay that enqueues the deliveries (started and stopped with the app), the delivery
// worker with its queue and metrics, and the periodic prune of old deliveries.
// It needs ports.Videos, which app/wiring binds to the video module.
var Module = fx.Module("webhook",
	fx.Provide(
		fx.Private,
		fx.Annotate(gormrepo.New, fx.As(new(ports.Repository))),
		func(cfg config.Config) *sender.Sender { return sender.New(cfg.AllowPrivateWebhooks) },
		func(s *sender.Sender) ports.Sender { return s },
		func(s *sender.Sender) ports.URLCheck { return s },
		func(i *jobs.Inserter) ports.Queue { return worker.NewQueue(i) },
		func(db *database.DB) ports.UnitOfWork { return db },
		func() ports.Clock { return clock.System{} },
		relay.NewSignal,
		func(s *relay.Signal) ports.Waker { return s },
		NewService,
		func(s *service.Service, sig *relay.Signal, log *slog.Logger) *relay.Runner {
			return relay.NewRunner(s, sig, log)
		},
		worker.NewMetrics,
		func(s *service.Service, m *worker.Metrics) *worker.Worker { return worker.NewWorker(s, m) },
	),
	fx.Provide(
		fx.Annotate(httpapi.New, fx.As(new(httpserver.Registrar)), fx.ResultTags(`group:"routes"`)),
		fx.Annotate(worker.Register, fx.ResultTags(`group:"workers"`)),
		fx.Annotate(worker.Queue, fx.ResultTags(`group:"job_queues"`)),
		fx.Annotate(pruneJob, fx.ResultTags(`group:"periodic"`)),
	),
	fx.Provide(handlers),
	fx.Invoke(func(lc fx.Lifecycle, r *relay.Runner) { lc.Append(fx.Hook{OnStart: r.Start, OnStop: r.Stop}) }),
)

// Params are the service's dependencies as the fx graph provides them.
type Params struct {
	fx.In
	Repo   ports.Repository
	Queue  ports.Queue
	Sender ports.Sender
	URLs   ports.URLCheck
	Videos ports.Videos
	UoW    ports.UnitOfWork
	Clock  ports.Clock
	Relay  ports.Waker
}

// NewService builds the use cases over the ports.
func NewService(p Params) *service.Service {
	return service.New(service.Deps{Repo: p.Repo, Queue: p.Queue, Sender: p.Sender, URLs: p.URLs, Videos: p.Videos, UoW: p.UoW, Clock: p.Clock, Relay: p.Relay})
}

// handlerList puts the outbox's handlers in the event_handlers group, one by one.
type handlerList struct {
	fx.Out
	Handlers []events.Handler `group:"event_handlers,flatten"`
}

func handlers(p Params) handlerList {
	return handlerList{Handlers: service.NewOutbox(service.Deps{Repo: p.Repo, UoW: p.UoW, Relay: p.Relay, Videos: p.Videos, Clock: p.Clock}).Handlers()}
}

// pruneInterval is how often finished deliveries past their retention are deleted.
const pruneInterval = time.Hour

// pruneJob deletes finished deliveries older than service.Retention, hourly.
func pruneJob(s *service.Service, log *slog.Logger) scheduler.Job {
	return scheduler.Job{Name: "webhook-prune", Interval: pruneInterval, Run: func(ctx context.Context) error {
		n, err := s.Prune(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			log.InfoContext(ctx, "old webhook deliveries deleted", "job", "webhook-prune", "count", n)
		}
		return nil
	}}
}
