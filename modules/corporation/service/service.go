// Package service holds the corporation use cases: sign-up, reads, updates, deletion,
// plan lookups for other modules and the plan expiry sweep.
package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"vms/modules/corporation/corporationevents"
	"vms/modules/corporation/domain"
	"vms/modules/corporation/ports"
	"vms/platform/events"
	"vms/platform/kind"
	"vms/platform/principal"
)

// Service implements the corporation use cases.
type Service struct {
	repo   ports.Repository
	uow    ports.UnitOfWork
	admins ports.AdminAccounts
	pub    events.Publisher
	clock  ports.Clock
}

// New builds the service.
func New(repo ports.Repository, uow ports.UnitOfWork, admins ports.AdminAccounts, pub events.Publisher, clock ports.Clock) *Service {
	return &Service{repo: repo, uow: uow, admins: admins, pub: pub, clock: clock}
}

// Now returns the service's current time.
func (s *Service) Now() time.Time { return s.clock.Now() }

// SignUp creates a corporation and its first admin in one unit of work: either both
// exist afterwards or neither does.
func (s *Service) SignUp(ctx context.Context, in SignUp) (domain.Corporation, error) {
	d, err := domain.ParseDetails(in.Details)
	if err != nil {
		return domain.Corporation{}, err
	}
	admin, err := s.admins.PrepareAdmin(ctx, in.AdminEmail, in.AdminPassword)
	if err != nil {
		return domain.Corporation{}, fmt.Errorf("sign up: %w", adminFields(err))
	}
	var out domain.Corporation
	err = s.uow.Do(ctx, func(ctx context.Context) error {
		c, err := s.repo.Create(ctx, d, s.clock.Now())
		if err != nil {
			return err
		}
		if err := s.admins.CreateAdmin(ctx, c.ID, admin); err != nil {
			return err
		}
		out = c
		return nil
	})
	if err != nil {
		return domain.Corporation{}, fmt.Errorf("sign up: %w", err)
	}
	return out, nil
}

// Get returns the caller's own live corporation when id is its id; any other id is
// domain.ErrNotFound, so a read never tells another corporation exists.
func (s *Service) Get(ctx context.Context, caller principal.Principal, id int64) (domain.Corporation, error) {
	if caller.CorporationID == 0 || id != caller.CorporationID {
		return domain.Corporation{}, domain.ErrNotFound
	}
	return s.repo.Get(ctx, id)
}

// GetByName returns the caller's own live corporation when name is its name, ignoring
// letter case and surrounding space; any other name is domain.ErrNotFound. Only the
// caller's row is read.
func (s *Service) GetByName(ctx context.Context, caller principal.Principal, name string) (domain.Corporation, error) {
	n, err := domain.NormalizeName(name)
	if err != nil || caller.CorporationID == 0 {
		return domain.Corporation{}, domain.ErrNotFound
	}
	c, err := s.repo.Get(ctx, caller.CorporationID)
	if err != nil {
		return domain.Corporation{}, err
	}
	if !strings.EqualFold(c.Name, n) {
		return domain.Corporation{}, domain.ErrNotFound
	}
	return c, nil
}

// List returns the corporations the caller may read: their own, on the first page (with
// an id greater than afterID).
func (s *Service) List(ctx context.Context, caller principal.Principal, afterID int64) ([]domain.Corporation, error) {
	if caller.CorporationID <= afterID {
		return []domain.Corporation{}, nil
	}
	c, err := s.repo.Get(ctx, caller.CorporationID)
	if errors.Is(err, domain.ErrNotFound) {
		return []domain.Corporation{}, nil
	}
	if err != nil {
		return nil, err
	}
	return []domain.Corporation{c}, nil
}

// Update replaces a corporation's name and plan. Only an admin of that corporation may:
// an unknown or deleted id is domain.ErrNotFound, and a live corporation the caller does
// not administer (a guest of it, or anyone from another corporation) is
// domain.ErrForbidden. Corporation ids are sequential and a sign-up shows its own, so
// the 403 tells no more than that.
//
// A change of the plan type or of its expiry publishes PlanChanged in the same unit of
// work.
func (s *Service) Update(ctx context.Context, caller principal.Principal, id int64, in domain.DetailsInput) (domain.Corporation, error) {
	var out domain.Corporation
	err := s.uow.Do(ctx, func(ctx context.Context) error {
		before, err := s.authorize(ctx, caller, id)
		if err != nil {
			return err
		}
		d, err := domain.ParseDetails(in)
		if err != nil {
			return err
		}
		now := s.clock.Now()
		c, err := s.repo.Update(ctx, id, d, now)
		if err != nil {
			return fmt.Errorf("update corporation: %w", err)
		}
		out = c
		if c.PlanType == before.PlanType && sameTime(c.PlanExpiredAt, before.PlanExpiredAt) {
			return nil
		}
		return s.pub.Publish(ctx, corporationevents.PlanChanged{
			CorporationID: c.ID, PlanType: string(c.PlanType), PlanExpiredAt: c.PlanExpiredAt,
			PreviousPlanType: string(before.PlanType), PreviousPlanExpiredAt: before.PlanExpiredAt,
			EffectivePlan: string(c.EffectivePlan(now)), Reason: corporationevents.PlanUpdated, At: now,
		})
	})
	if err != nil {
		return domain.Corporation{}, err
	}
	return out, nil
}

// sameTime reports whether two optional times are both absent or the same instant.
func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

// Delete soft-deletes a corporation and publishes CorporationDeleted in the same unit of
// work. The same rule as Update decides who may.
func (s *Service) Delete(ctx context.Context, caller principal.Principal, id int64) error {
	return s.uow.Do(ctx, func(ctx context.Context) error {
		if _, err := s.authorize(ctx, caller, id); err != nil {
			return err
		}
		if err := s.repo.SoftDelete(ctx, id, s.clock.Now()); err != nil {
			return fmt.Errorf("delete corporation: %w", err)
		}
		return s.pub.Publish(ctx, corporationevents.CorporationDeleted{CorporationID: id})
	})
}

func (s *Service) authorize(ctx context.Context, caller principal.Principal, id int64) (domain.Corporation, error) {
	c, err := s.repo.Get(ctx, id)
	if err != nil {
		return domain.Corporation{}, err
	}
	if !caller.AdminOf(id) {
		return domain.Corporation{}, domain.ErrForbidden
	}
	return c, nil
}

// adminFields renames the fields of an admin validation error to the sign-up's own,
// admin_email and admin_password; other errors pass unchanged.
func adminFields(err error) error {
	var ve *kind.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	fields := make(map[string]string, len(ve.Fields))
	for name, msg := range ve.Fields {
		fields["admin_"+name] = msg
	}
	return kind.NamedFields("admin", fields)
}
