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
	userports "vms/modules/user/ports"
	videoports "vms/modules/video/ports"
	"vms/platform/clock"
	"vms/platform/database"
	"vms/platform/httpserver"
)

var (
	_ userports.Corporations      = (*service.Service)(nil)
	_ videoports.CorporationPlans = (*service.Service)(nil)
)

// Module wires the corporation module. It needs a corporation/ports.AdminAccounts (the
// user module) and offers user/ports.Corporations and video/ports.CorporationPlans.
var Module = fx.Module("corporation",
	fx.Provide(
		fx.Private,
		fx.Annotate(gormrepo.New, fx.As(new(ports.Repository))),
		func(db *database.DB) ports.UnitOfWork { return db },
		func() ports.Clock { return clock.System{} },
		service.New,
		fx.Annotate(func(s *service.Service) *service.Service { return s }, fx.As(new(ports.Service))),
		fx.Annotate(func(s *service.Service) *service.Service { return s }, fx.As(new(planjob.Downgrader))),
		planjob.NewRunner,
	),
	fx.Provide(
		fx.Annotate(func(s *service.Service) *service.Service { return s }, fx.As(new(userports.Corporations))),
		fx.Annotate(func(s *service.Service) *service.Service { return s }, fx.As(new(videoports.CorporationPlans))),
		fx.Annotate(httpapi.New, fx.As(new(httpserver.Registrar)), fx.ResultTags(`group:"routes"`)),
		fx.Annotate(planjob.NewJob, fx.ResultTags(`group:"jobs"`)),
	),
)
