package points

import (
	"go.uber.org/fx"

	"vms/platform/config"
)

// Module provides the VideoViewed handler. It needs a Balances, which app/wiring binds
// to the user module.
var Module = fx.Module("points",
	fx.Provide(
		fx.Private,
		fx.Annotate(NewGormLedger, fx.As(new(Ledger))),
		func(cfg config.Config, l Ledger, b Balances) *Awarder {
			return NewAwarder(l, b, cfg.PointsPerView)
		},
	),
	fx.Provide(
		fx.Annotate((*Awarder).Handler, fx.ResultTags(`group:"event_handlers"`)),
	),
)
