// Package user is the user module: users inside a corporation, their passwords and
// roles, the accounts the auth module checks and the point balances the points module
// changes.
package user

import (
	"go.uber.org/fx"

	authports "vms/modules/auth/ports"
	corpports "vms/modules/corporation/ports"
	pointsports "vms/modules/points/ports"
	"vms/modules/user/adapters/argon2id"
	"vms/modules/user/adapters/gormrepo"
	"vms/modules/user/adapters/httpapi"
	"vms/modules/user/ports"
	"vms/modules/user/service"
	videoports "vms/modules/video/ports"
	"vms/platform/clock"
	"vms/platform/database"
	"vms/platform/events"
	"vms/platform/httpserver"
)

var (
	_ corpports.AdminAccounts = (*service.Service)(nil)
	_ authports.Accounts      = (*service.Accounts)(nil)
	_ videoports.Users        = (*service.Service)(nil)
)

func same(s *service.Service) *service.Service { return s }

// Module wires the user module. It needs a user/ports.Corporations (the corporation
// module) and offers corporation/ports.AdminAccounts, auth/ports.Accounts,
// video/ports.Users and points/ports.Balances.
var Module = fx.Module("user",
	fx.Provide(
		fx.Private,
		fx.Annotate(gormrepo.New, fx.As(new(ports.Repository))),
		fx.Annotate(argon2id.NewDefault, fx.As(new(ports.PasswordHasher))),
		func(db *database.DB) ports.UnitOfWork { return db },
		func() ports.Clock { return clock.System{} },
		service.New,
		fx.Annotate(same, fx.As(new(ports.Service))),
	),
	fx.Provide(
		fx.Annotate(same, fx.As(new(corpports.AdminAccounts))),
		fx.Annotate(service.NewAccounts, fx.As(new(authports.Accounts))),
		fx.Annotate(same, fx.As(new(videoports.Users))),
		fx.Annotate(gormrepo.NewBalances, fx.As(new(pointsports.Balances))),
		fx.Annotate(httpapi.New, fx.As(new(httpserver.Registrar)), fx.ResultTags(`group:"routes"`)),
		fx.Annotate(newCascadeHandler, fx.ResultTags(`group:"event_handlers"`)),
	),
)

func newCascadeHandler(repo ports.Repository, clock ports.Clock) events.Handler {
	return events.HandlerFunc(service.NewCorporationCascade(repo, clock).Handle)
}
