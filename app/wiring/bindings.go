package wiring

import (
	"context"

	"go.uber.org/fx"

	"vms/modules/auth"
	authports "vms/modules/auth/ports"
	authservice "vms/modules/auth/service"
	"vms/modules/corporation"
	corpports "vms/modules/corporation/ports"
	corpservice "vms/modules/corporation/service"
	"vms/modules/points"
	"vms/modules/user"
	userdomain "vms/modules/user/domain"
	userports "vms/modules/user/ports"
	userservice "vms/modules/user/service"
	"vms/modules/video"
	videoports "vms/modules/video/ports"
)

// Modules lists every business module of the application.
var Modules = fx.Options(
	video.Module,
	points.Module,
	corporation.Module,
	user.Module,
	auth.Module,
)

// Bindings connects each consumer's port to the module that serves it. A supplier whose
// methods already match the port is bound as it is; where the types differ, a few-line
// adapter below translates.
var Bindings = fx.Provide(
	// corporation serves user and video.
	func(s *corpservice.Service) userports.Corporations { return s },
	func(s *corpservice.Service) videoports.CorporationPlans { return s },
	// user serves corporation, auth, video and points.
	func(s *userservice.Service) corpports.AdminAccounts { return adminAccounts{s} },
	func(a *userservice.Accounts) authports.Accounts { return accounts{a} },
	func(s *userservice.Service) videoports.Users { return s },
	func(b *userservice.Balances) points.Balances { return b },
	// auth serves video.
	func(p *authservice.Playback) videoports.PlaybackTokens { return p },
)

// adminAccounts lets sign-up create its first admin through the user module.
type adminAccounts struct{ users *userservice.Service }

func (a adminAccounts) PrepareAdmin(ctx context.Context, email, password string) (corpports.PreparedAdmin, error) {
	p, err := a.users.PrepareAdmin(ctx, email, password)
	return corpports.PreparedAdmin{Email: p.Email, PasswordHash: p.PasswordHash}, err
}

func (a adminAccounts) CreateAdmin(ctx context.Context, corporationID int64, admin corpports.PreparedAdmin) error {
	return a.users.CreateAdmin(ctx, corporationID, userdomain.PreparedAdmin{Email: admin.Email, PasswordHash: admin.PasswordHash})
}

// accounts lets the auth module check passwords and liveness through the user module.
type accounts struct{ users *userservice.Accounts }

func (a accounts) VerifyPassword(ctx context.Context, email, password string) (authports.Identity, bool, error) {
	acc, ok, err := a.users.VerifyPassword(ctx, email, password)
	return identity(acc), ok, err
}

func (a accounts) Active(ctx context.Context, userID int64) (authports.Identity, bool, error) {
	acc, ok, err := a.users.Active(ctx, userID)
	return identity(acc), ok, err
}

func (a accounts) LockActive(ctx context.Context, userID int64) (authports.Identity, bool, error) {
	acc, ok, err := a.users.LockActive(ctx, userID)
	return identity(acc), ok, err
}

func identity(a userdomain.Account) authports.Identity {
	return authports.Identity{UserID: a.UserID, CorporationID: a.CorporationID, Role: string(a.Role), PasswordChangedAt: a.PasswordChangedAt}
}
