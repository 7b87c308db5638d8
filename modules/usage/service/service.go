// Package service holds the usage module's use cases: reserving, settling and releasing
// storage for uploads against the quota of the corporation's plan, following the size of
// derived files, metering egress and first views in memory with periodic flushes, and
// reporting a corporation's usage per day.
package service

import (
	"log/slog"

	"vms/modules/usage/ports"
)

// Settings are the configuration values the use cases need.
type Settings struct {
	// FreeQuota and PaidQuota are the bytes a corporation may store on each effective
	// plan; 0 means no limit.
	FreeQuota int64
	PaidQuota int64
}

// Deps are the ports the use cases run against.
type Deps struct {
	Repo  ports.Repository
	Plans ports.Plans
	UoW   ports.UnitOfWork
	Clock ports.Clock
	Log   *slog.Logger
}

// Service holds the quota and report use cases.
type Service struct {
	Deps
	cfg Settings
}

// New builds the service.
func New(d Deps, cfg Settings) *Service {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Service{Deps: d, cfg: cfg}
}
