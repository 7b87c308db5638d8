package service

import (
	"context"
	"errors"

	"vms/modules/corporation/corporationevents"
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

// DowngradeExpired moves every expired PAID corporation to FREE in one statement and
// returns how many changed; PlanChanged is published for each, in the same unit of work.
func (s *Service) DowngradeExpired(ctx context.Context) (int64, error) {
	now := s.clock.Now()
	var n int64
	err := s.uow.Do(ctx, func(ctx context.Context) error {
		changed, err := s.repo.DowngradeExpired(ctx, now)
		if err != nil {
			return err
		}
		for _, c := range changed {
			e := corporationevents.PlanChanged{
				CorporationID: c.ID, PlanType: string(c.PlanType), PlanExpiredAt: c.PlanExpiredAt,
				PreviousPlanType: string(domain.PlanPaid), PreviousPlanExpiredAt: c.PlanExpiredAt,
				EffectivePlan: string(c.EffectivePlan(now)), Reason: corporationevents.PlanExpired, At: now,
			}
			if err := s.pub.Publish(ctx, e); err != nil {
				return err
			}
		}
		n = int64(len(changed))
		return nil
	})
	return n, err
}
