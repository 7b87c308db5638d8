// Package auth signs users in and out, rotates refresh tokens, manages API keys,
// authenticates requests (access tokens, playback tokens, API keys) and issues playback
// tokens.
package auth

import (
	"go.uber.org/fx"

	"vms/modules/auth/adapters/gormrepo"
	"vms/modules/auth/adapters/httpapi"
	"vms/modules/auth/adapters/jwttoken"
	"vms/modules/auth/ports"
	"vms/modules/auth/service"
	"vms/platform/clock"
	"vms/platform/config"
	"vms/platform/database"
	"vms/platform/events"
	"vms/platform/httpserver"
)

// Module wires the auth module. It needs a ports.Accounts, which app/wiring binds to the
// user module, and offers the request authenticator, *service.Playback (playback tokens,
// which app/wiring binds to the video module's port), its routes and its handlers of
// account deletions and password changes. The writer of API keys' last use runs between
// start and stop.
var Module = fx.Module("auth",
	fx.Provide(
		fx.Private,
		func() ports.Clock { return clock.System{} },
		fx.Annotate(gormrepo.NewSessions, fx.As(new(ports.Sessions))),
		func(db *database.DB) ports.UnitOfWork { return db },
		newSigner,
		func(clock ports.Clock) *service.ActiveCache {
			return service.NewActiveCache(clock, service.ActiveCacheTTL, service.ActiveCacheSize)
		},
		fx.Annotate(gormrepo.NewAPIKeys, fx.As(new(ports.APIKeys))),
		func(clock ports.Clock) *service.KeyCache {
			return service.NewKeyCache(clock, service.KeyCacheTTL, service.KeyCacheSize)
		},
		service.NewLastUsed,
		service.NewKeys,
		newService,
		service.NewAuthenticator,
		service.NewAccountEvents,
		newCookieOptions,
	),
	fx.Provide(
		fx.Annotate(httpapi.NewAuthenticator, fx.As(new(httpserver.Authenticator))),
		service.NewPlayback,
		fx.Annotate(httpapi.NewHandlers, fx.As(new(httpserver.Registrar)), fx.ResultTags(`group:"routes"`)),
		fx.Annotate(httpapi.NewKeyHandlers, fx.As(new(httpserver.Registrar)), fx.ResultTags(`group:"routes"`)),
		fx.Annotate(userDeletedHandler, fx.ResultTags(`group:"event_handlers"`)),
		fx.Annotate(corporationDeletedHandler, fx.ResultTags(`group:"event_handlers"`)),
		fx.Annotate(passwordChangedHandler, fx.ResultTags(`group:"event_handlers"`)),
		fx.Annotate(keysCorporationDeletedHandler, fx.ResultTags(`group:"event_handlers"`)),
	),
	fx.Invoke(func(lc fx.Lifecycle, used *service.LastUsed) {
		lc.Append(fx.Hook{OnStart: used.Start, OnStop: used.Stop})
	}),
)

func newSigner(cfg config.Config, clock ports.Clock) (ports.TokenSigner, error) {
	return jwttoken.NewSigner(cfg.JWTSecret, cfg.AccessTokenTTL, clock)
}

func newCookieOptions(cfg config.Config) httpapi.CookieOptions {
	return httpapi.CookieOptions{TTL: cfg.RefreshTokenTTL, AlwaysSecure: cfg.Production()}
}

func newService(cfg config.Config, accounts ports.Accounts, sessions ports.Sessions, uow ports.UnitOfWork, signer ports.TokenSigner, clock ports.Clock) *service.Service {
	return service.New(accounts, sessions, uow, signer, clock, cfg.RefreshTokenTTL)
}

func userDeletedHandler(h *service.AccountEvents) events.Handler {
	return events.HandlerFunc(h.UserDeleted)
}

func passwordChangedHandler(h *service.AccountEvents) events.Handler {
	return events.HandlerFunc(h.PasswordChanged)
}

func corporationDeletedHandler(h *service.AccountEvents) events.Handler {
	return events.HandlerFunc(h.CorporationDeleted)
}

func keysCorporationDeletedHandler(k *service.Keys) events.Handler {
	return events.HandlerFunc(k.CorporationDeleted)
}
