// Package user is the user module: users inside a corporation, their passwords and
// roles, the accounts sign-in checks and the point balances first views change.
package user

import (
	"go.uber.org/fx"

	"vms/modules/user/adapters/argon2id"
	"vms/modules/user/adapters/gormrepo"
	"vms/modules/user/adapters/httpapi"
	"vms/modules/user/ports"
	"vms/modules/user/service"
	"vms/platform/clock"
	"vms/platform/database"
	"vms/platform/events"
	"vms/platform/httpserver"
)

// Module wires the user module. It needs a ports.Corporations, which app/wiring binds to
// the corporation module, and offers *service.Service (admins for sign-up, the
// corporation of a user), *service.Accounts (password and liveness checks) and
// *service.Balances (point balances), which app/wiring binds to the other modules' ports.
var Module = fx.Module("user",
	fx.Provide(
		fx.Private,
		fx.Annotate(gormrepo.New, fx.As(new(ports.Repository))),
		fx.Annotate(argon2id.NewDefault, fx.As(new(ports.PasswordHasher))),
		func(db *database.DB) ports.UnitOfWork { return db },
		func() ports.Clock { return clock.System{} },
	),
	fx.Provide(
		service.New,
		fx.Annotate(httpapi.New, fx.As(new(httpserver.Registrar)), fx.ResultTags(`group:"routes"`)),
		service.NewAccounts,
		service.NewBalances,
		fx.Annotate(newCascadeHandler, fx.ResultTags(`group:"event_handlers"`)),
	),
)

func newCascadeHandler(repo ports.Repository, clock ports.Clock) events.Handler {
	return events.HandlerFunc(service.NewCorporationCascade(repo, clock).Handle)
}
