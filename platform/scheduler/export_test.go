package scheduler

import (
	"log/slog"

	"github.com/go-co-op/gocron/v2"

	"vms/platform/database"
)

// NewObserved is New with the elector wrapped by observe.
func NewObserved(log *slog.Logger, db *database.DB, jobs []Job, observe func(gocron.Elector) gocron.Elector) (*Scheduler, error) {
	return newScheduler(log, db, jobs, observe)
}
