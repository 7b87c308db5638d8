package gormrepo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"vms/modules/webhook/domain"
)

// addDeliveries is the outbox write of every event: one delivery per enabled endpoint of
// the corporation subscribed to the event's type, in one statement that writes nothing
// (an index lookup) when nobody subscribes.
const addDeliveries = `INSERT INTO webhook_deliveries
	(endpoint_id, corporation_id, event_id, event_type, body, status, next_attempt_at, created_at, updated_at)
SELECT e.id, e.corporation_id, ?, s.event_type, ?, 'pending', ?, ?, ?
FROM webhook_subscriptions s JOIN webhook_endpoints e ON e.id = s.endpoint_id
WHERE s.corporation_id = ? AND s.event_type = ? AND e.enabled
RETURNING id`

// AddDeliveries writes the event for the corporation's subscribed enabled endpoints.
func (r *Repository) AddDeliveries(ctx context.Context, corporationID int64, e domain.Event) ([]int64, error) {
	at := e.At.UTC()
	var ids []int64
	if err := r.db.Conn(ctx).Raw(addDeliveries, e.ID, string(e.Body), at, at, at, corporationID, e.Type).Scan(&ids).Error; err != nil {
		return nil, fmt.Errorf("insert webhook deliveries: %w", err)
	}
	return ids, nil
}

// AddDelivery writes the event for one endpoint.
func (r *Repository) AddDelivery(ctx context.Context, endpoint domain.Endpoint, e domain.Event) (domain.Delivery, error) {
	at := e.At.UTC()
	m := deliveryModel{
		EndpointID: endpoint.ID, CorporationID: endpoint.CorporationID, EventID: e.ID, EventType: e.Type, Body: string(e.Body),
		Status: domain.Pending, NextAttemptAt: &at, CreatedAt: at, UpdatedAt: at,
	}
	if err := r.db.Conn(ctx).Create(&m).Error; err != nil {
		return domain.Delivery{}, fmt.Errorf("insert webhook delivery: %w", err)
	}
	d := toDelivery(m)
	d.History = []domain.Attempt{}
	return d, nil
}

// GetDelivery returns a delivery of the corporation's endpoint with its attempts.
func (r *Repository) GetDelivery(ctx context.Context, corporationID, endpointID, id int64) (domain.Delivery, error) {
	var m deliveryModel
	err := r.db.Conn(ctx).Where("id = ? AND endpoint_id = ? AND corporation_id = ?", id, endpointID, corporationID).Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return domain.Delivery{}, domain.ErrDeliveryNotFound
	}
	if err != nil {
		return domain.Delivery{}, fmt.Errorf("read webhook delivery: %w", err)
	}
	ds, err := r.withHistory(ctx, []deliveryModel{m})
	if err != nil {
		return domain.Delivery{}, err
	}
	return ds[0], nil
}

// ListDeliveries returns the endpoint's deliveries newest first, with their attempts.
func (r *Repository) ListDeliveries(ctx context.Context, corporationID, endpointID, beforeID int64, limit int) ([]domain.Delivery, error) {
	q := r.db.Conn(ctx).Where("endpoint_id = ? AND corporation_id = ?", endpointID, corporationID)
	if beforeID > 0 {
		q = q.Where("id < ?", beforeID)
	}
	var ms []deliveryModel
	if err := q.Order("id DESC").Limit(limit).Find(&ms).Error; err != nil {
		return nil, fmt.Errorf("list webhook deliveries: %w", err)
	}
	return r.withHistory(ctx, ms)
}

func (r *Repository) withHistory(ctx context.Context, ms []deliveryModel) ([]domain.Delivery, error) {
	out := make([]domain.Delivery, 0, len(ms))
	if len(ms) == 0 {
		return out, nil
	}
	ids := make([]int64, 0, len(ms))
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	var as []attemptModel
	if err := r.db.Conn(ctx).Where("delivery_id IN ?", ids).Order("delivery_id, attempt").Find(&as).Error; err != nil {
		return nil, fmt.Errorf("read webhook attempts: %w", err)
	}
	byDelivery := map[int64][]domain.Attempt{}
	for _, a := range as {
		byDelivery[a.DeliveryID] = append(byDelivery[a.DeliveryID], toAttempt(a))
	}
	for _, m := range ms {
		d := toDelivery(m)
		d.History = byDelivery[m.ID]
		if d.History == nil {
			d.History = []domain.Attempt{}
		}
		out = append(out, d)
	}
	return out, nil
}

// Target reads a delivery and its endpoint.
func (r *Repository) Target(ctx context.Context, deliveryID int64) (domain.Target, bool, error) {
	var d deliveryModel
	err := r.db.Conn(ctx).Where("id = ?", deliveryID).Take(&d).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return domain.Target{}, false, nil
	}
	if err != nil {
		return domain.Target{}, false, fmt.Errorf("read webhook delivery: %w", err)
	}
	var e endpointModel
	err = r.db.Conn(ctx).Where("id = ?", d.EndpointID).Take(&e).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return domain.Target{}, false, nil
	}
	if err != nil {
		return domain.Target{}, false, fmt.Errorf("read webhook: %w", err)
	}
	// The worker needs neither the subscriptions nor the attempts.
	return domain.Target{Delivery: toDelivery(d), Endpoint: toEndpoint(e, nil)}, true, nil
}

// RecordAttempt inserts the attempt and updates the delivery.
func (r *Repository) RecordAttempt(ctx context.Context, deliveryID int64, a domain.Attempt, status string, next *time.Time) error {
	at := a.At.UTC()
	return r.db.Do(ctx, func(ctx context.Context) error {
		m := attemptModel{DeliveryID: deliveryID, Attempt: a.Number, StatusCode: a.StatusCode, DurationUs: a.Duration.Microseconds(), Error: a.Error, CreatedAt: at}
		if err := r.db.Conn(ctx).Create(&m).Error; err != nil {
			return fmt.Errorf("insert webhook attempt: %w", err)
		}
		set := map[string]any{
			"status": status, "attempts": a.Number, "last_status_code": a.StatusCode, "last_duration_us": a.Duration.Microseconds(),
			"last_error": a.Error, "next_attempt_at": utcPtr(next), "updated_at": at,
		}
		if status == domain.Succeeded {
			set["delivered_at"] = at
		}
		if err := r.db.Conn(ctx).Model(&deliveryModel{}).Where("id = ?", deliveryID).Updates(set).Error; err != nil {
			return fmt.Errorf("update webhook delivery: %w", err)
		}
		return nil
	})
}

// SetStatus sets a delivery's status and next attempt time.
func (r *Repository) SetStatus(ctx context.Context, deliveryID int64, status string, next *time.Time, now time.Time) error {
	err := r.db.Conn(ctx).Model(&deliveryModel{}).Where("id = ?", deliveryID).
		Updates(map[string]any{"status": status, "next_attempt_at": utcPtr(next), "updated_at": now.UTC()}).Error
	if err != nil {
		return fmt.Errorf("update webhook delivery: %w", err)
	}
	return nil
}

// PruneDeliveries deletes finished deliveries created before the time (their attempts
// go with them).
func (r *Repository) PruneDeliveries(ctx context.Context, before time.Time) (int64, error) {
	res := r.db.Conn(ctx).Where("status <> ? AND created_at < ?", domain.Pending, before.UTC()).Delete(&deliveryModel{})
	if res.Error != nil {
		return 0, fmt.Errorf("prune webhook deliveries: %w", res.Error)
	}
	return res.RowsAffected, nil
}
