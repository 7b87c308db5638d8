// Package service holds the user use cases: managing users inside a corporation, the
// accounts the auth module checks, and the lookups other modules make.
package service

import (
	"context"
	"errors"
	"fmt"

	"vms/modules/user/domain"
	"vms/modules/user/ports"
	"vms/modules/user/userevents"
	"vms/platform/events"
	"vms/platform/principal"
)

// Service implements the user use cases.
type Service struct {
	repo   ports.Repository
	uow    ports.UnitOfWork
	hasher ports.PasswordHasher
	pub    events.Publisher
	clock  ports.Clock
}

// New builds the service.
func New(repo ports.Repository, uow ports.UnitOfWork, hasher ports.PasswordHasher, pub events.Publisher, clock ports.Clock) *Service {
	return &Service{repo: repo, uow: uow, hasher: hasher, pub: pub, clock: clock}
}

// Create adds a user to the caller's corporation. Only admins may.
func (s *Service) Create(ctx context.Context, caller principal.Principal, in NewUserInput) (domain.User, error) {
	if !caller.IsAdmin() {
		return domain.User{}, domain.ErrAdminOnly
	}
	return s.create(ctx, caller.CorporationID, in)
}

// PrepareAdmin validates the first admin's e-mail and password of a new corporation and
// hashes the password, before the sign-up's unit of work (hashing is slow and no
// database work). Its validation errors name the fields email and password.
func (s *Service) PrepareAdmin(ctx context.Context, email, password string) (domain.PreparedAdmin, error) {
	cred, err := domain.ParseCredentials(email, password, string(domain.RoleAdmin))
	if err != nil {
		return domain.PreparedAdmin{}, err
	}
	hash, err := s.hasher.Hash(ctx, cred.Password)
	if err != nil {
		return domain.PreparedAdmin{}, fmt.Errorf("hash password: %w", err)
	}
	return domain.PreparedAdmin{Email: cred.Email, PasswordHash: hash}, nil
}

// CreateAdmin inserts a prepared admin of a new corporation inside the caller's unit of work.
func (s *Service) CreateAdmin(ctx context.Context, corporationID int64, admin domain.PreparedAdmin) error {
	u, err := s.repo.Create(ctx, domain.NewUser{Email: admin.Email, PasswordHash: admin.PasswordHash, Role: domain.RoleAdmin, CorporationID: corporationID}, s.clock.Now())
	if err != nil {
		return fmt.Errorf("create admin: %w", err)
	}
	return s.pub.Publish(ctx, userCreated(u))
}

// userCreated is the UserCreated event of a new user.
func userCreated(u domain.User) userevents.UserCreated {
	return userevents.UserCreated{UserID: u.ID, CorporationID: u.CorporationID, Email: u.Email, Role: string(u.Role), At: u.CreatedAt}
}

func (s *Service) create(ctx context.Context, corporationID int64, in NewUserInput) (domain.User, error) {
	cred, err := domain.ParseCredentials(in.Email, in.Password, in.Role)
	if err != nil {
		return domain.User{}, err
	}
	hash, err := s.hasher.Hash(ctx, cred.Password)
	if err != nil {
		return domain.User{}, fmt.Errorf("hash password: %w", err)
	}
	var u domain.User
	err = s.uow.Do(ctx, func(ctx context.Context) error {
		var err error
		u, err = s.repo.Create(ctx, domain.NewUser{Email: cred.Email, PasswordHash: hash, Role: cred.Role, CorporationID: corporationID}, s.clock.Now())
		if err != nil {
			return fmt.Errorf("create user: %w", err)
		}
		return s.pub.Publish(ctx, userCreated(u))
	})
	if err != nil {
		return domain.User{}, err
	}
	return u, nil
}

// List returns a page of the caller's corporation's users. Only admins may.
func (s *Service) List(ctx context.Context, caller principal.Principal, afterID int64, limit int) ([]domain.User, error) {
	if !caller.IsAdmin() {
		return nil, domain.ErrAdminOnly
	}
	return s.repo.List(ctx, caller.CorporationID, afterID, limit)
}

// visible reports whether the caller may see u: u is the caller, or the caller is an
// admin of u's corporation. Others get not found, so existence is not revealed.
func visible(caller principal.Principal, u domain.User) bool {
	return u.CorporationID == caller.CorporationID && (caller.IsAdmin() || caller.UserID == u.ID)
}

// Get returns a user the caller may see.
func (s *Service) Get(ctx context.Context, caller principal.Principal, id int64) (domain.User, error) {
	u, err := s.repo.Get(ctx, caller.CorporationID, id)
	if err != nil {
		return domain.User{}, err
	}
	if !visible(caller, u) {
		return domain.User{}, domain.ErrNotFound
	}
	return u, nil
}

// GetByEmail returns a user the caller may see, by e-mail.
func (s *Service) GetByEmail(ctx context.Context, caller principal.Principal, email string) (domain.User, error) {
	e, err := domain.NormalizeEmail(email)
	if err != nil {
		return domain.User{}, domain.ErrNotFound
	}
	u, err := s.repo.GetByEmail(ctx, caller.CorporationID, e)
	if err != nil {
		return domain.User{}, err
	}
	if !visible(caller, u) {
		return domain.User{}, domain.ErrNotFound
	}
	return u, nil
}

// Me returns the caller's own user.
func (s *Service) Me(ctx context.Context, caller principal.Principal) (domain.User, error) {
	if caller.UserID == 0 {
		return domain.User{}, domain.ErrNotSignedIn
	}
	u, err := s.repo.Get(ctx, caller.CorporationID, caller.UserID)
	if errors.Is(err, domain.ErrNotFound) {
		return domain.User{}, domain.ErrNotSignedIn
	}
	return u, err
}

// Delete soft-deletes a user the caller may see (self, or an admin of the same
// corporation) and publishes UserDeleted in the same unit of work, so the user's
// sessions end with it.
func (s *Service) Delete(ctx context.Context, caller principal.Principal, id int64) error {
	return s.uow.Do(ctx, func(ctx context.Context) error {
		u, err := s.Get(ctx, caller, id)
		if err != nil {
			return err
		}
		if err := s.repo.SoftDelete(ctx, u.CorporationID, u.ID, s.clock.Now()); err != nil {
			return fmt.Errorf("delete user: %w", err)
		}
		return s.pub.Publish(ctx, userevents.UserDeleted{UserID: u.ID, CorporationID: u.CorporationID, At: s.clock.Now()})
	})
}
