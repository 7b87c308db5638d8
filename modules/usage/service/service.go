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

// Deps are the ports the ledger runs against.
type Deps struct {
	Repo  ports.Repository
	UoW   ports.UnitOfWork
	Clock ports.Clock
	Log   *slog.Logger
}

// Ledger keeps what corporations store and have reserved: it settles and releases
// reservations and follows the size of derived files. It needs no plan, so the media
// module can use it without depending on the corporation module.
type Ledger struct{ Deps }

// NewLedger builds the ledger.
func NewLedger(d Deps) *Ledger {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	return &Ledger{Deps: d}
}

// Service adds to the ledger what needs the corporation's plan: reserving against its
// quota, and reporting its usage.
type Service struct {
	*Ledger
	Plans ports.Plans
	cfg   Settings
}

// New builds the service over the ledger.
func New(l *Ledger, plans ports.Plans, cfg Settings) *Service {
	return &Service{Ledger: l, Plans: plans, cfg: cfg}
}
