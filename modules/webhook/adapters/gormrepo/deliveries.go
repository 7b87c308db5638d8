package gormrepo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"vms/modules/webhook/domain"
	"vms/platform/database"
)

// addDeliveries is the outbox write of every event: one delivery per enabled endpoint of
// the corporation subscribed to the event's type, in one statement that writes nothing
// (an index lookup) when nobody subscribes. Its rows have no enqueued_at: the relay
// inserts their jobs (ClaimDeliveries).
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

// claimDeliveries marks the oldest deliveries without a job as enqueued and returns
// them. On PostgreSQL rows another relay's transaction holds are skipped, so relays on
// several replicas take disjoint batches; SQLite's writers serialise already.
const claimDeliveries = `UPDATE webhook_deliveries SET enqueued_at = ?
WHERE id IN (SELECT id FROM webhook_deliveries WHERE enqueued_at IS NULL ORDER BY id LIMIT ?%s)
RETURNING id`

// ClaimDeliveries marks up to limit deliveries without a job as enqueued, oldest first.
func (r *Repository) ClaimDeliveries(ctx context.Context, limit int, now time.Time) ([]int64, error) {
	lock := ""
	if r.db.Dialect == database.Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var ids []int64
	if err := r.db.Conn(ctx).Raw(fmt.Sprintf(claimDeliveries, lock), now.UTC(), limit).Scan(&ids).Error; err != nil {
		return nil, fmt.Errorf("claim webhook deliveries: %w", err)
	}
	slices.Sort(ids)
	return ids, nil
}

// AddDelivery writes the event for one endpoint, marked enqueued: the caller inserts its
// job in the same unit of work.
func (r *Repository) AddDelivery(ctx context.Context, endpoint domain.Endpoint, e domain.Event) (domain.Delivery, error) {
	at := e.At.UTC()
	m := deliveryModel{
		EndpointID: endpoint.ID, CorporationID: endpoint.CorporationID, EventID: e.ID, EventType: e.Type, Body: string(e.Body),
		Status: domain.Pending, NextAttemptAt: &at, EnqueuedAt: &at, CreatedAt: at, UpdatedAt: at,
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
	// Failed attempts have rows; a success lives on the delivery row (RecordAttempt).
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
		if d.Status == domain.Succeeded && d.DeliveredAt != nil {
			d.History = append(d.History, domain.Attempt{
				Number: d.Attempts, StatusCode: d.LastStatusCode, Duration: d.LastDuration, At: *d.DeliveredAt,
			})
		}
		out = append(out, d)
	}
	return out, nil
}

// targetRow is a delivery joined with its endpoint's fields the worker needs.
type targetRow struct {
	Delivery        deliveryModel `gorm:"embedded"`
	EndpointURL     string
	EndpointSecret  string
	EndpointEnabled bool
	EndpointFailing *time.Time
}

// Target reads a delivery and its endpoint in one query.
func (r *Repository) Target(ctx context.Context, deliveryID int64) (domain.Target, bool, error) {
	var rows []targetRow
	err := r.db.Conn(ctx).Raw(`SELECT d.*, e.url AS endpoint_url, e.secret AS endpoint_secret, e.enabled AS endpoint_enabled,
		e.failing_since AS endpoint_failing
		FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = ?`, deliveryID).Scan(&rows).Error
	if err != nil {
		return domain.Target{}, false, fmt.Errorf("read webhook delivery: %w", err)
	}
	if len(rows) == 0 {
		return domain.Target{}, false, nil
	}
	t := rows[0]
	// The worker needs neither the subscriptions nor the attempts.
	return domain.Target{Delivery: toDelivery(t.Delivery), Endpoint: domain.Endpoint{
		ID: t.Delivery.EndpointID, CorporationID: t.Delivery.CorporationID, URL: t.EndpointURL, Secret: t.EndpointSecret,
		Enabled: t.EndpointEnabled, FailingSince: utcPtr(t.EndpointFailing),
	}}, true, nil
}

// RecordAttempt stores the attempt and the delivery's state after it. A success is kept on
// the delivery row alone (one UPDATE: the common case stays cheap); a failure is also
// written to webhook_attempts, in one unit of work with the update.
func (r *Repository) RecordAttempt(ctx context.Context, deliveryID int64, a domain.Attempt, status string, next *time.Time) error {
	at := a.At.UTC()
	set := map[string]any{
		"status": status, "attempts": a.Number, "last_status_code": a.StatusCode, "last_duration_us": a.Duration.Microseconds(),
		"last_error": a.Error, "next_attempt_at": utcPtr(next), "updated_at": at,
	}
	if status == domain.Succeeded {
		err := r.db.Conn(ctx).Exec(`UPDATE webhook_deliveries SET status = ?, attempts = ?, last_status_code = ?, last_duration_us = ?,
			last_error = '', next_attempt_at = NULL, delivered_at = ?, updated_at = ? WHERE id = ?`,
			status, a.Number, a.StatusCode, a.Duration.Microseconds(), at, at, deliveryID).Error
		if err != nil {
			return fmt.Errorf("update webhook delivery: %w", err)
		}
		return nil
	}
	return r.db.Do(ctx, func(ctx context.Context) error {
		m := attemptModel{DeliveryID: deliveryID, Attempt: a.Number, StatusCode: a.StatusCode, DurationUs: a.Duration.Microseconds(), Error: a.Error, CreatedAt: at}
		if err := r.db.Conn(ctx).Create(&m).Error; err != nil {
			return fmt.Errorf("insert webhook attempt: %w", err)
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
