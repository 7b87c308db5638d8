package service

import (
	"context"
	"fmt"

	"vms/modules/webhook/domain"
	"vms/platform/principal"
)

// Deliveries returns a page of an endpoint's deliveries, newest first (ids below
// beforeID, 0 for the newest), with their attempts.
func (s *Service) Deliveries(ctx context.Context, caller principal.Principal, endpointID, beforeID int64, limit int) ([]domain.Delivery, error) {
	if err := authorize(caller); err != nil {
		return nil, err
	}
	if _, err := s.Repo.GetEndpoint(ctx, caller.CorporationID, endpointID); err != nil {
		return nil, err
	}
	return s.Repo.ListDeliveries(ctx, caller.CorporationID, endpointID, beforeID, limit)
}

// Test sends a webhook.test event to an endpoint of the caller's corporation, enabled
// or not and whatever it subscribes to; the delivery is returned pending.
func (s *Service) Test(ctx context.Context, caller principal.Principal, endpointID int64) (domain.Delivery, error) {
	if err := authorize(caller); err != nil {
		return domain.Delivery{}, err
	}
	var d domain.Delivery
	err := s.UoW.Do(ctx, func(ctx context.Context) error {
		e, err := s.Repo.GetEndpoint(ctx, caller.CorporationID, endpointID)
		if err != nil {
			return err
		}
		ev, err := s.outbox.testEvent(e)
		if err != nil {
			return err
		}
		if d, err = s.Repo.AddDelivery(ctx, e, ev); err != nil {
			return fmt.Errorf("add test delivery: %w", err)
		}
		return s.Queue.Enqueue(ctx, []int64{d.ID})
	})
	if err != nil {
		return domain.Delivery{}, err
	}
	return d, nil
}

// Retry attempts a finished delivery of an enabled endpoint again, at once, with the
// same event id and body; its attempts keep counting. A pending delivery is retried on
// its own schedule (conflict), and a disabled endpoint must be enabled first (conflict).
func (s *Service) Retry(ctx context.Context, caller principal.Principal, endpointID, deliveryID int64) (domain.Delivery, error) {
	if err := authorize(caller); err != nil {
		return domain.Delivery{}, err
	}
	var d domain.Delivery
	err := s.UoW.Do(ctx, func(ctx context.Context) error {
		e, err := s.Repo.GetEndpoint(ctx, caller.CorporationID, endpointID)
		if err != nil {
			return err
		}
		if d, err = s.Repo.GetDelivery(ctx, caller.CorporationID, endpointID, deliveryID); err != nil {
			return err
		}
		switch {
		case d.Status == domain.Pending:
			return domain.ErrDeliveryPending
		case !e.Enabled && d.EventType != domain.TestEvent:
			return domain.ErrEndpointDisabled
		}
		now := s.Clock.Now()
		if err := s.Repo.SetStatus(ctx, d.ID, domain.Pending, &now, now); err != nil {
			return err
		}
		d.Status, d.NextAttemptAt, d.UpdatedAt = domain.Pending, &now, now
		return s.Queue.Enqueue(ctx, []int64{d.ID})
	})
	if err != nil {
		return domain.Delivery{}, err
	}
	return d, nil
}
