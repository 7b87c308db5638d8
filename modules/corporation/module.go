// Package corporation is the tenant module: sign-up, corporation reads and changes, plans
// and the plan expiry job.
package corporation

import (
	"go.uber.org/fx"

	"vms/modules/corporation/adapters/gormrepo"
	"vms/modules/corporation/adapters/httpapi"
	"vms/modules/corporation/adapters/planjob"
	"vms/modules/corporation/ports"
	"vms/modules/corporation/service"
	"vms/platform/clock"
	"vms/platform/database"
	"vms/platform/httpserver"
)

// Module wires the corporation module. It needs a ports.AdminAccounts, which app/wiring
// binds to the user module, and offers *service.Service (whether a corporation is live,
// whether its plan is PAID), which app/wiring binds to the other modules' ports.
var Module = fx.Module("corporation",
	fx.Provide(
		fx.Private,
		fx.Annotate(gormrepo.New, fx.As(new(ports.Repository))),
		func(db *database.DB) ports.UnitOfWork { return db },
		func() ports.Clock { return clock.System{} },
		fx.Annotate(planjob.NewRunner, fx.From(new(*service.Service))),
	),
	fx.Provide(
		service.New,
		fx.Annotate(httpapi.New, fx.As(new(httpserver.Registrar)), fx.ResultTags(`group:"routes"`)),
		fx.Annotate(planjob.NewJob, fx.ResultTags(`group:"periodic"`)),
	),
)
