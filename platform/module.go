// Package platform wires the shared infrastructure: configuration, logging, metrics,
// database and unit of work, events, HTTP server and scheduler.
package platform

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.uber.org/fx"

	"vms/platform/config"
	"vms/platform/database"
	"vms/platform/events"
	"vms/platform/httpserver"
	"vms/platform/observability"
	"vms/platform/scheduler"
)

// Module provides the platform to the application. Modules add routes (group "routes"),
// readiness checks (group "checks"), event handlers (group "event_handlers") and jobs
// (group "jobs").
var Module = fx.Module("platform",
	fx.Provide(
		observability.NewLogger,
		observability.NewRegistry,
		func(r *prometheus.Registry) prometheus.Registerer { return r },
		OpenDatabase,
		fx.Annotate(events.NewBus, fx.ParamTags(`group:"event_handlers"`)),
		func(b *events.Bus) events.Publisher { return b },
		fx.Annotate(httpserver.NewEngine, fx.ParamTags(``, ``, ``, `group:"routes"`)),
		httpserver.New,
		fx.Annotate(httpserver.NewHealth, fx.ParamTags(`group:"checks"`)),
		fx.Annotate(scheduler.New, fx.ParamTags(``, ``, ``, `group:"jobs"`)),
		httpserver.NewGuard,
	),
	fx.Provide(
		fx.Annotate(func(h *httpserver.Health) httpserver.Registrar { return h }, fx.ResultTags(`group:"routes"`)),
		fx.Annotate(databaseCheck, fx.ResultTags(`group:"checks"`)),
	),
	fx.Invoke(registerLifecycle),
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

// StorageDirCheck reports whether a local storage folder (file:// STORAGE_URL) is writable.
func StorageDirCheck(cfg config.Config) (httpserver.Check, error) {
	u, err := url.Parse(cfg.StorageURL)
	if err != nil {
		return nil, err
	}
	if u.Scheme != "file" {
		return nil, errors.New("storage check: not a file:// storage")
	}
	dir := u.Host + u.Path
	return httpserver.CheckFunc("storage", func(context.Context) error {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("storage folder: %w", err)
		}
		f, err := os.CreateTemp(dir, ".ready-*")
		if err != nil {
			return fmt.Errorf("storage folder not writable: %w", err)
		}
		name := f.Name()
		_ = f.Close()
		return os.Remove(filepath.Clean(name))
	}), nil
}

func registerLifecycle(lc fx.Lifecycle, cfg config.Config, log *slog.Logger, srv *httpserver.Server, sched *scheduler.Scheduler, _ *gin.Engine) {
	if cfg.JWTSecretGenerated {
		log.Warn("JWT_SECRET is not set: using a generated secret kept in DATA_DIR; set JWT_SECRET when running several replicas")
	}
	lc.Append(fx.Hook{OnStart: sched.Start, OnStop: sched.Stop})
	lc.Append(fx.Hook{OnStart: srv.Start, OnStop: srv.Stop})
}
