// Package points is the points module: it owns the point_transactions ledger and credits
// POINTS_PER_VIEW points for a user's first view of a video, inside the unit of work that
// records the view.
package points

import (
	"go.uber.org/fx"

	"vms/modules/points/adapters/gormrepo"
	"vms/modules/points/ports"
	"vms/modules/points/service"
	"vms/platform/config"
	"vms/platform/events"
)

// Module provides the VideoViewed handler. It needs ports.Balances from the user module.
var Module = fx.Module("points",
	fx.Provide(
		fx.Private,
		fx.Annotate(gormrepo.NewLedger, fx.As(new(ports.Ledger))),
		func(cfg config.Config, l ports.Ledger, b ports.Balances) *service.Awarder {
			return service.NewAwarder(l, b, cfg.PointsPerView)
		},
	),
	fx.Provide(
		fx.Annotate(func(a *service.Awarder) events.Handler { return a.Handler() }, fx.ResultTags(`group:"event_handlers"`)),
	),
)
