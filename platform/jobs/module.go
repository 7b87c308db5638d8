package jobs

import (
	"log/slog"

	"go.uber.org/fx"

	"vms/platform/config"
	"vms/platform/database"
)

// Provide builds the jobs of the application from the workers modules register in the
// "workers" group and the queues of the "job_queues" group, and starts and stops them
// with the application.
func Provide(lc fx.Lifecycle, cfg config.Config, db *database.DB, log *slog.Logger, m *Metrics, regs []Registration, queues []Queue) (*Jobs, error) {
	j, err := New(db, cfg.DatabaseURL, SettingsFrom(cfg, db.Dialect), log, m, regs, queues...)
	if err != nil {
		return nil, err
	}
	lc.Append(fx.Hook{OnStart: j.Start, OnStop: j.Stop})
	return j, nil
}
