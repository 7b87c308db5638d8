// Package platform wires the shared infrastructure: configuration, logging, metrics,
// database and unit of work, events, HTTP server and scheduler.
package platform

import (
	"context"
	"log/slog"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.uber.org/fx"

	"vms/platform/config"
	"vms/platform/database"
	"vms/platform/events"
	"vms/platform/httpserver"
	"vms/platform/jobs"
	"vms/platform/observability"
	"vms/platform/scheduler"
)

// Module provides the platform to the application. Modules add routes (group "routes"),
// readiness checks (group "checks"), event handlers (group "event_handlers"), periodic
// jobs timed by the scheduler (group "periodic"), River job workers (group "workers") and
// River queues of their own (group "job_queues").
var Module = fx.Module("platform",
	fx.Provide(
		observability.NewLogger,
		fx.Annotate(observability.NewRegistry, fx.As(fx.Self()), fx.As(new(prometheus.Registerer))),
		OpenDatabase,
		// The bus is built empty and its handlers are registered by an invoke, once they
		// are all built: a handler may then depend on a service that publishes.
		fx.Annotate(func() *events.Bus { return events.NewBus(nil) }, fx.As(fx.Self()), fx.As(new(events.Publisher))),
		fx.Annotate(httpserver.NewEngine, fx.ParamTags(``, ``, ``, `group:"routes"`)),
		httpserver.New,
		fx.Annotate(scheduler.New, fx.ParamTags(``, ``, ``, `group:"periodic"`)),
		httpserver.NewGuard,
		httpserver.NewCORS,
		jobs.NewMetrics,
		jobs.NewInserter,
		fx.Annotate(jobs.Provide, fx.ParamTags(``, ``, ``, ``, ``, `group:"workers"`, `group:"job_queues"`)),
	),
	fx.Provide(
		fx.Annotate(httpserver.NewHealth, fx.ParamTags(`group:"checks"`), fx.As(new(httpserver.Registrar)), fx.ResultTags(`group:"routes"`)),
		fx.Annotate(databaseCheck, fx.ResultTags(`group:"checks"`)),
	),
	fx.Invoke(fx.Annotate(func(b *events.Bus, hs []events.Handler) { b.Register(hs...) }, fx.ParamTags(``, `group:"event_handlers"`))),
	fx.Invoke(registerLifecycle),
	// Jobs are worked on every replica, whether or not a module inserts any.
	fx.Invoke(func(*jobs.Jobs) {}),
)

// OpenDatabase opens the configured database, applies migrations and registers pool metrics.
func OpenDatabase(lc fx.Lifecycle, cfg config.Config, reg prometheus.Registerer, log *slog.Logger) (*database.DB, error) {
	db, err := database.Open(cfg.DatabaseURL, database.Options{MaxOpenConns: cfg.DBMaxOpenConns, MaxIdleConns: cfg.DBMaxIdleConns})
	if err != nil {
		return nil, err
	}
	if err := db.MigrateUp(context.Background()); err != nil {
		_ = db.Close()
		return nil, err
	}
	sqlDB, err := db.Gorm.DB()
	if err != nil {
		return nil, err
	}
	reg.MustRegister(collectors.NewDBStatsCollector(sqlDB, string(db.Dialect)))
	log.Info("database ready", "dialect", db.Dialect)
	lc.Append(fx.StopHook(db.Close))
	return db, nil
}

func databaseCheck(db *database.DB) httpserver.Check {
	return httpserver.CheckFunc("database", db.Ping)
}

func registerLifecycle(lc fx.Lifecycle, cfg config.Config, log *slog.Logger, srv *httpserver.Server, sched *scheduler.Scheduler, _ *gin.Engine) {
	if cfg.JWTSecretGenerated {
		log.Warn("JWT_SECRET is not set: using a generated secret kept in DATA_DIR; set JWT_SECRET when running several replicas")
	}
	lc.Append(fx.Hook{OnStart: sched.Start, OnStop: sched.Stop})
	lc.Append(fx.Hook{OnStart: srv.Start, OnStop: srv.Stop})
}
