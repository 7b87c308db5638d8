package service

import (
	"context"
	"errors"

	"vms/modules/corporation/domain"
)

// IsLive reports whether the corporation exists and is not soft-deleted.
func (s *Service) IsLive(ctx context.Context, corporationID int64) (bool, error) {
	_, err := s.repo.Get(ctx, corporationID)
	if errors.Is(err, domain.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// IsPaid reports whether the corporation's effective plan is PAID right now; an unknown
// or deleted corporation is not.
func (s *Service) IsPaid(ctx context.Context, corporationID int64) (bool, error) {
	c, err := s.repo.Get(ctx, corporationID)
	if errors.Is(err, domain.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return c.EffectivePlan(s.clock.Now()) == domain.PlanPaid, nil
}

// DowngradeExpired moves every expired PAID corporation to FREE and returns how many changed.
func (s *Service) DowngradeExpired(ctx context.Context) (int64, error) {
	return s.repo.DowngradeExpired(ctx, s.clock.Now())
}
