// Package fake holds in-memory implementations of the webhook module's ports, for tests.
package fake

import (
	"context"
	"maps"
	"slices"
	"sort"
	"sync"
	"time"

	"vms/modules/webhook/domain"
	"vms/modules/webhook/ports"
)

// Repository is an in-memory ports.Repository.
type Repository struct {
	mu         sync.Mutex
	endpoints  map[int64]domain.Endpoint
	deliveries map[int64]domain.Delivery
	// unqueued holds the deliveries without a job (AddDeliveries, ClaimDeliveries).
	unqueued map[int64]bool
	nextID   int64
	// Err, when set, is returned by every method.
	Err error
}

var _ ports.Repository = (*Repository)(nil)

// NewRepository returns an empty repository.
func NewRepository() *Repository {
	return &Repository{endpoints: map[int64]domain.Endpoint{}, deliveries: map[int64]domain.Delivery{}, unqueued: map[int64]bool{}}
}

func (r *Repository) id() int64 { r.nextID++; return r.nextID }

// CreateEndpoint stores the endpoint.
func (r *Repository) CreateEndpoint(_ context.Context, e domain.Endpoint) (domain.Endpoint, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return domain.Endpoint{}, r.Err
	}
	e.ID = r.id()
	e.Events = ordered(e.Events)
	r.endpoints[e.ID] = e
	return e, nil
}

// GetEndpoint returns an endpoint of the corporation.
func (r *Repository) GetEndpoint(_ context.Context, corporationID, id int64) (domain.Endpoint, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return domain.Endpoint{}, r.Err
	}
	e, ok := r.endpoints[id]
	if !ok || e.CorporationID != corporationID {
		return domain.Endpoint{}, domain.ErrNotFound
	}
	return e, nil
}

// ListEndpoints returns a page of the corporation's endpoints.
func (r *Repository) ListEndpoints(_ context.Context, corporationID, afterID int64, limit int) ([]domain.Endpoint, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return nil, r.Err
	}
	out := []domain.Endpoint{}
	for _, e := range r.endpoints {
		if e.CorporationID == corporationID && e.ID > afterID {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// UpdateEndpoint stores the changeable fields.
func (r *Repository) UpdateEndpoint(_ context.Context, e domain.Endpoint) (domain.Endpoint, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return domain.Endpoint{}, r.Err
	}
	old, ok := r.endpoints[e.ID]
	if !ok || old.CorporationID != e.CorporationID {
		return domain.Endpoint{}, domain.ErrNotFound
	}
	old.URL, old.Description, old.Events, old.Enabled = e.URL, e.Description, ordered(e.Events), e.Enabled
	old.DisabledReason, old.FailingSince, old.UpdatedAt = e.DisabledReason, e.FailingSince, e.UpdatedAt
	r.endpoints[e.ID] = old
	return old, nil
}

// DeleteEndpoint removes the endpoint and its deliveries.
func (r *Repository) DeleteEndpoint(_ context.Context, corporationID, id int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return r.Err
	}
	e, ok := r.endpoints[id]
	if !ok || e.CorporationID != corporationID {
		return domain.ErrNotFound
	}
	delete(r.endpoints, id)
	for did, d := range r.deliveries {
		if d.EndpointID == id {
			delete(r.deliveries, did)
			delete(r.unqueued, did)
		}
	}
	return nil
}

// DisableEndpoints disables the corporation's enabled endpoints.
func (r *Repository) DisableEndpoints(_ context.Context, corporationID int64, reason string, now time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return r.Err
	}
	for id, e := range r.endpoints {
		if e.CorporationID == corporationID && e.Enabled {
			e.Enabled, e.DisabledReason, e.UpdatedAt = false, reason, now
			r.endpoints[id] = e
		}
	}
	return nil
}

// AddDeliveries adds a delivery per subscribed enabled endpoint of the corporation.
func (r *Repository) AddDeliveries(_ context.Context, corporationID int64, e domain.Event) ([]int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return nil, r.Err
	}
	var targets []domain.Endpoint
	for _, ep := range r.endpoints {
		if ep.CorporationID == corporationID && ep.Enabled && ep.Subscribes(e.Type) {
			targets = append(targets, ep)
		}
	}
	sort.Slice(targets, func(i, j int) bool { return targets[i].ID < targets[j].ID })
	ids := []int64{}
	for _, ep := range targets {
		id := r.add(ep, e).ID
		r.unqueued[id] = true
		ids = append(ids, id)
	}
	return ids, nil
}

// ClaimDeliveries takes up to limit deliveries without a job, oldest first.
func (r *Repository) ClaimDeliveries(_ context.Context, limit int, _ time.Time) ([]int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return nil, r.Err
	}
	ids := slices.Sorted(maps.Keys(r.unqueued))
	if len(ids) > limit {
		ids = ids[:limit]
	}
	for _, id := range ids {
		delete(r.unqueued, id)
	}
	return ids, nil
}

func (r *Repository) add(ep domain.Endpoint, e domain.Event) domain.Delivery {
	at := e.At
	d := domain.Delivery{
		ID: r.id(), EndpointID: ep.ID, CorporationID: ep.CorporationID, EventID: e.ID, EventType: e.Type,
		Body: slices.Clone(e.Body), Status: domain.Pending, NextAttemptAt: &at, CreatedAt: e.At, UpdatedAt: e.At,
		History: []domain.Attempt{},
	}
	r.deliveries[d.ID] = d
	return d
}

// AddDelivery adds a delivery for one endpoint.
func (r *Repository) AddDelivery(_ context.Context, ep domain.Endpoint, e domain.Event) (domain.Delivery, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return domain.Delivery{}, r.Err
	}
	return r.add(ep, e), nil
}

// GetDelivery returns a delivery of the corporation's endpoint.
func (r *Repository) GetDelivery(_ context.Context, corporationID, endpointID, id int64) (domain.Delivery, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return domain.Delivery{}, r.Err
	}
	d, ok := r.deliveries[id]
	if !ok || d.EndpointID != endpointID || d.CorporationID != corporationID {
		return domain.Delivery{}, domain.ErrDeliveryNotFound
	}
	return d, nil
}

// ListDeliveries returns the endpoint's deliveries newest first.
func (r *Repository) ListDeliveries(_ context.Context, corporationID, endpointID, beforeID int64, limit int) ([]domain.Delivery, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return nil, r.Err
	}
	out := []domain.Delivery{}
	for _, d := range r.deliveries {
		if d.EndpointID == endpointID && d.CorporationID == corporationID && (beforeID == 0 || d.ID < beforeID) {
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Target returns a delivery with its endpoint.
func (r *Repository) Target(_ context.Context, deliveryID int64) (domain.Target, bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return domain.Target{}, false, r.Err
	}
	d, ok := r.deliveries[deliveryID]
	if !ok {
		return domain.Target{}, false, nil
	}
	e, ok := r.endpoints[d.EndpointID]
	if !ok {
		return domain.Target{}, false, nil
	}
	return domain.Target{Delivery: d, Endpoint: e}, true, nil
}

// RecordAttempt stores the attempt and the delivery's new state.
func (r *Repository) RecordAttempt(_ context.Context, deliveryID int64, a domain.Attempt, status string, next *time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return r.Err
	}
	d, ok := r.deliveries[deliveryID]
	if !ok {
		return nil
	}
	d.History = append(slices.Clone(d.History), a)
	d.Status, d.Attempts, d.LastStatusCode, d.LastDuration, d.LastError = status, a.Number, a.StatusCode, a.Duration, a.Error
	d.NextAttemptAt, d.UpdatedAt = next, a.At
	if status == domain.Succeeded {
		at := a.At
		d.DeliveredAt = &at
	}
	r.deliveries[deliveryID] = d
	return nil
}

// SetStatus sets a delivery's status.
func (r *Repository) SetStatus(_ context.Context, deliveryID int64, status string, next *time.Time, now time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return r.Err
	}
	if d, ok := r.deliveries[deliveryID]; ok {
		d.Status, d.NextAttemptAt, d.UpdatedAt = status, next, now
		r.deliveries[deliveryID] = d
	}
	return nil
}

// SetHealth stores an endpoint's failing time and disables it when asked.
func (r *Repository) SetHealth(_ context.Context, endpointID int64, failingSince *time.Time, disable bool, reason string, now time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return r.Err
	}
	if e, ok := r.endpoints[endpointID]; ok {
		e.FailingSince, e.UpdatedAt = failingSince, now
		if disable {
			e.Enabled, e.DisabledReason = false, reason
		}
		r.endpoints[endpointID] = e
	}
	return nil
}

// PruneDeliveries deletes finished deliveries created before the time.
func (r *Repository) PruneDeliveries(_ context.Context, before time.Time) (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return 0, r.Err
	}
	var n int64
	for id, d := range r.deliveries {
		if d.Status != domain.Pending && d.CreatedAt.Before(before) {
			delete(r.deliveries, id)
			delete(r.unqueued, id)
			n++
		}
	}
	return n, nil
}

// Snapshot copies the repository's state and returns the function that puts it back, for
// uowtest.UnitOfWork.
func (r *Repository) Snapshot() (restore func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	endpoints, deliveries, unqueued, next := maps.Clone(r.endpoints), maps.Clone(r.deliveries), maps.Clone(r.unqueued), r.nextID
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.endpoints, r.deliveries, r.unqueued, r.nextID = endpoints, deliveries, unqueued, next
	}
}

// ordered returns the event types in domain.EventTypes' order, as the database reads them.
func ordered(events []string) []string {
	out := []string{}
	for _, t := range domain.EventTypes {
		if slices.Contains(events, t) {
			out = append(out, t)
		}
	}
	return out
}
