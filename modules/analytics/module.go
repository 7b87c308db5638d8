// Package analytics is the watch analytics module: it learns from the video module which
// bytes each stream and HLS response sent to whom, maps them to media time (the MP4 sample
// index of the original, the HLS rendition's segment timeline), keeps per user and video
// the distinct seconds watched, and reports a video's viewers, watch time, completion and
// retention to the admins of its corporation.
package analytics

import (
	"context"
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/fx"

	"vms/modules/analytics/adapters/gormrepo"
	"vms/modules/analytics/adapters/httpapi"
	"vms/modules/analytics/adapters/mp4index"
	"vms/modules/analytics/ports"
	"vms/modules/analytics/service"
	"vms/platform/clock"
	"vms/platform/config"
	"vms/platform/database"
	"vms/platform/httpserver"
)

// Module provides the analytics service (whose Served takes in what streams sent; bound
// to the video module's Deliveries port in app/wiring) and its route. It needs
// ports.Media and ports.Videos from the video and media modules.
var Module = fx.Module("analytics",
	fx.Provide(
		fx.Private,
		fx.Annotate(gormrepo.New, fx.As(new(ports.Repository))),
		func(db *database.DB) ports.UnitOfWork { return db },
	),
	fx.Provide(
		NewService,
		func(repo ports.Repository, videos ports.Videos) *service.Reports {
			return &service.Reports{Repo: repo, Videos: videos}
		},
		fx.Annotate(httpapi.New, fx.As(new(httpserver.Registrar)), fx.ResultTags(`group:"routes"`)),
	),
	fx.Invoke(registerMetrics),
)

// ServiceParams are the service's dependencies as the fx graph provides them.
type ServiceParams struct {
	fx.In
	Lifecycle fx.Lifecycle
	Config    config.Config
	Log       *slog.Logger
	Repo      ports.Repository
	Media     ports.Media
	UoW       ports.UnitOfWork
}

// NewService builds the service over the ports, flushing while the application runs.
func NewService(p ServiceParams) *service.Service {
	s := service.New(service.Deps{
		Repo: p.Repo, Media: p.Media, UoW: p.UoW, Clock: clock.System{}, Log: p.Log, Index: mp4index.Build,
	}, service.Settings{Off: p.Config.Analytics == "off", FlushInterval: p.Config.AnalyticsFlushInterval})
	if p.Config.Analytics != "off" {
		flushWhileRunning(p.Lifecycle, p.Log, s)
	}
	return s
}

// flushWhileRunning flushes every ANALYTICS_FLUSH_INTERVAL on every replica while the
// application runs, and once more when it stops. The hooks are added while the graph is
// built, before the HTTP server's (which needs this module's route), so the last flush
// comes after the server has stopped, with what its last responses served, and before the
// database, opened earlier still, closes.
func flushWhileRunning(lc fx.Lifecycle, log *slog.Logger, s *service.Service) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	lc.Append(fx.Hook{
		OnStart: func(context.Context) error {
			go func() { defer close(done); s.Run(ctx) }()
			return nil
		},
		OnStop: func(stop context.Context) error {
			cancel()
			<-done
			if err := s.Flush(stop); err != nil {
				log.Error("analytics: the last flush failed; what it held is lost", "err", err)
			}
			return nil
		},
	})
}

// registerMetrics adds the service's counters to /metrics.
func registerMetrics(reg prometheus.Registerer, s *service.Service) error {
	stat := func(f func(service.Stats) int64) func() float64 {
		return func() float64 { return float64(f(s.Stats())) }
	}
	for _, c := range []prometheus.Collector{
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "vms_analytics_pending_watches",
			Help: "(user, video) pairs whose served bytes this replica holds in memory.",
		}, stat(func(s service.Stats) int64 { return s.Pending })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "vms_analytics_dropped_total",
			Help: "Responses or ranges not counted because a bound of the in-memory tracker was reached.",
		}, stat(func(s service.Stats) int64 { return s.Dropped })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "vms_analytics_flushes_total",
			Help: "Flushes of served bytes to watches that wrote everything they took.",
		}, stat(func(s service.Stats) int64 { return s.Flushes })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "vms_analytics_failed_flushes_total",
			Help: "Flushes that left something for the next one (a file or the database could not be read or written).",
		}, stat(func(s service.Stats) int64 { return s.FailedFlushes })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "vms_analytics_watches_written_total",
			Help: "Watches (user, video) written or merged by flushes.",
		}, stat(func(s service.Stats) int64 { return s.Written })),
	} {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}
