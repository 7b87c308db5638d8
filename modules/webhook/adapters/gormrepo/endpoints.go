package gormrepo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"vms/modules/webhook/domain"
	"vms/modules/webhook/ports"
	"vms/platform/database"
)

// Repository is the GORM ports.Repository. It takes its handle from the context, so it
// joins the caller's unit of work.
type Repository struct{ db *database.DB }

var _ ports.Repository = (*Repository)(nil)

// New builds the repository.
func New(db *database.DB) *Repository { return &Repository{db: db} }

// CreateEndpoint inserts the endpoint and its subscriptions in one unit of work.
func (r *Repository) CreateEndpoint(ctx context.Context, e domain.Endpoint) (domain.Endpoint, error) {
	m := toEndpointModel(e)
	err := r.db.Do(ctx, func(ctx context.Context) error {
		if err := r.db.Conn(ctx).Create(&m).Error; err != nil {
			return fmt.Errorf("insert webhook: %w", err)
		}
		return r.subscribe(ctx, m.ID, m.CorporationID, e.Events)
	})
	if err != nil {
		return domain.Endpoint{}, err
	}
	return toEndpoint(m, e.Events), nil
}

func (r *Repository) subscribe(ctx context.Context, endpointID, corporationID int64, events []string) error {
	if err := r.db.Conn(ctx).Where("endpoint_id = ?", endpointID).Delete(&subscriptionModel{}).Error; err != nil {
		return fmt.Errorf("clear webhook events: %w", err)
	}
	if len(events) == 0 {
		return nil
	}
	subs := make([]subscriptionModel, 0, len(events))
	for _, t := range events {
		subs = append(subs, subscriptionModel{EndpointID: endpointID, CorporationID: corporationID, EventType: t})
	}
	if err := r.db.Conn(ctx).Create(&subs).Error; err != nil {
		return fmt.Errorf("insert webhook events: %w", err)
	}
	return nil
}

// GetEndpoint returns an endpoint of the corporation.
func (r *Repository) GetEndpoint(ctx context.Context, corporationID, id int64) (domain.Endpoint, error) {
	var m endpointModel
	err := r.db.Conn(ctx).Where("id = ? AND corporation_id = ?", id, corporationID).Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return domain.Endpoint{}, domain.ErrNotFound
	}
	if err != nil {
		return domain.Endpoint{}, fmt.Errorf("read webhook: %w", err)
	}
	evs, err := r.events(ctx, []int64{m.ID})
	if err != nil {
		return domain.Endpoint{}, err
	}
	return toEndpoint(m, evs[m.ID]), nil
}

// ListEndpoints returns a page of the corporation's endpoints by id.
func (r *Repository) ListEndpoints(ctx context.Context, corporationID, afterID int64, limit int) ([]domain.Endpoint, error) {
	var ms []endpointModel
	if err := r.db.Conn(ctx).Where("corporation_id = ? AND id > ?", corporationID, afterID).Order("id").Limit(limit).Find(&ms).Error; err != nil {
		return nil, fmt.Errorf("list webhooks: %w", err)
	}
	ids := make([]int64, 0, len(ms))
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	evs, err := r.events(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]domain.Endpoint, 0, len(ms))
	for _, m := range ms {
		out = append(out, toEndpoint(m, evs[m.ID]))
	}
	return out, nil
}

// events reads the subscriptions of the endpoints, each in domain.EventTypes' order.
func (r *Repository) events(ctx context.Context, ids []int64) (map[int64][]string, error) {
	out := map[int64][]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var subs []subscriptionModel
	if err := r.db.Conn(ctx).Where("endpoint_id IN ?", ids).Find(&subs).Error; err != nil {
		return nil, fmt.Errorf("read webhook events: %w", err)
	}
	set := map[int64]map[string]bool{}
	for _, s := range subs {
		if set[s.EndpointID] == nil {
			set[s.EndpointID] = map[string]bool{}
		}
		set[s.EndpointID][s.EventType] = true
	}
	for id, types := range set {
		for _, t := range domain.EventTypes {
			if types[t] {
				out[id] = append(out[id], t)
			}
		}
	}
	return out, nil
}

// UpdateEndpoint stores the endpoint's changeable fields and its subscriptions.
func (r *Repository) UpdateEndpoint(ctx context.Context, e domain.Endpoint) (domain.Endpoint, error) {
	err := r.db.Do(ctx, func(ctx context.Context) error {
		res := r.db.Conn(ctx).Model(&endpointModel{}).Where("id = ? AND corporation_id = ?", e.ID, e.CorporationID).Updates(map[string]any{
			"url": e.URL, "description": e.Description, "enabled": e.Enabled, "disabled_reason": e.DisabledReason,
			"failing_since": utcPtr(e.FailingSince), "updated_at": e.UpdatedAt.UTC(),
		})
		if res.Error != nil {
			return fmt.Errorf("update webhook: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return domain.ErrNotFound
		}
		return r.subscribe(ctx, e.ID, e.CorporationID, e.Events)
	})
	if err != nil {
		return domain.Endpoint{}, err
	}
	return r.GetEndpoint(ctx, e.CorporationID, e.ID)
}

// DeleteEndpoint removes the endpoint, its subscriptions (cascade) and its deliveries
// with their attempts.
func (r *Repository) DeleteEndpoint(ctx context.Context, corporationID, id int64) error {
	return r.db.Do(ctx, func(ctx context.Context) error {
		res := r.db.Conn(ctx).Where("id = ? AND corporation_id = ?", id, corporationID).Delete(&endpointModel{})
		if res.Error != nil {
			return fmt.Errorf("delete webhook: %w", res.Error)
		}
		if res.RowsAffected == 0 {
			return domain.ErrNotFound
		}
		if err := r.db.Conn(ctx).Where("endpoint_id = ?", id).Delete(&deliveryModel{}).Error; err != nil {
			return fmt.Errorf("delete webhook deliveries: %w", err)
		}
		return nil
	})
}

// DisableEndpoints disables the corporation's enabled endpoints.
func (r *Repository) DisableEndpoints(ctx context.Context, corporationID int64, reason string, now time.Time) error {
	err := r.db.Conn(ctx).Model(&endpointModel{}).Where("corporation_id = ? AND enabled = ?", corporationID, true).
		Updates(map[string]any{"enabled": false, "disabled_reason": reason, "updated_at": now.UTC()}).Error
	if err != nil {
		return fmt.Errorf("disable webhooks: %w", err)
	}
	return nil
}

// SetHealth stores the endpoint's failing time, and disables it when asked.
func (r *Repository) SetHealth(ctx context.Context, endpointID int64, failingSince *time.Time, disable bool, reason string, now time.Time) error {
	set := map[string]any{"failing_since": utcPtr(failingSince), "updated_at": now.UTC()}
	if disable {
		set["enabled"], set["disabled_reason"] = false, reason
	}
	if err := r.db.Conn(ctx).Model(&endpointModel{}).Where("id = ?", endpointID).Updates(set).Error; err != nil {
		return fmt.Errorf("update webhook health: %w", err)
	}
	return nil
}
