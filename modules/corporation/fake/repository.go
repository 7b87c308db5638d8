// Package fake holds in-memory implementations of the corporation module's ports, for tests.
package fake

import (
	"context"
	"sort"
	"strings"
	"sync"
	"time"

	"vms/modules/corporation/domain"
	"vms/modules/corporation/ports"
)

// Repository is an in-memory ports.Repository.
type Repository struct {
	mu      sync.Mutex
	nextID  int64
	rows    map[int64]*row
	FailErr error // returned by every method when set
}

type row struct {
	c       domain.Corporation
	deleted bool
}

var _ ports.Repository = (*Repository)(nil)

// NewRepository returns an empty repository.
func NewRepository() *Repository { return &Repository{rows: map[int64]*row{}} }

func (r *Repository) nameTaken(name string, except int64) bool {
	for id, rw := range r.rows {
		if !rw.deleted && id != except && strings.EqualFold(rw.c.Name, name) {
			return true
		}
	}
	return false
}

// Create inserts a corporation.
func (r *Repository) Create(_ context.Context, d domain.Details, now time.Time) (domain.Corporation, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.FailErr != nil {
		return domain.Corporation{}, r.FailErr
	}
	if r.nameTaken(d.Name, 0) {
		return domain.Corporation{}, domain.ErrNameTaken
	}
	r.nextID++
	c := domain.Corporation{ID: r.nextID, Name: d.Name, PlanType: d.PlanType, PlanExpiredAt: d.PlanExpiredAt, CreatedAt: now, UpdatedAt: now}
	r.rows[c.ID] = &row{c: c}
	return c, nil
}

// Get returns a live corporation.
func (r *Repository) Get(_ context.Context, id int64) (domain.Corporation, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.FailErr != nil {
		return domain.Corporation{}, r.FailErr
	}
	rw, ok := r.rows[id]
	if !ok || rw.deleted {
		return domain.Corporation{}, domain.ErrNotFound
	}
	return rw.c, nil
}

// GetByName finds a live corporation by name, ignoring case.
func (r *Repository) GetByName(_ context.Context, name string) (domain.Corporation, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.FailErr != nil {
		return domain.Corporation{}, r.FailErr
	}
	for _, rw := range r.rows {
		if !rw.deleted && strings.EqualFold(rw.c.Name, name) {
			return rw.c, nil
		}
	}
	return domain.Corporation{}, domain.ErrNotFound
}

// List returns a page of live corporations.
func (r *Repository) List(_ context.Context, afterID int64, limit int) ([]domain.Corporation, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.FailErr != nil {
		return nil, r.FailErr
	}
	out := []domain.Corporation{}
	for id, rw := range r.rows {
		if !rw.deleted && id > afterID {
			out = append(out, rw.c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// Update replaces a live corporation's details.
func (r *Repository) Update(_ context.Context, id int64, d domain.Details, now time.Time) (domain.Corporation, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.FailErr != nil {
		return domain.Corporation{}, r.FailErr
	}
	rw, ok := r.rows[id]
	if !ok || rw.deleted {
		return domain.Corporation{}, domain.ErrNotFound
	}
	if r.nameTaken(d.Name, id) {
		return domain.Corporation{}, domain.ErrNameTaken
	}
	rw.c.Name, rw.c.PlanType, rw.c.PlanExpiredAt, rw.c.UpdatedAt = d.Name, d.PlanType, d.PlanExpiredAt, now
	return rw.c, nil
}

// SoftDelete marks a live corporation deleted.
func (r *Repository) SoftDelete(_ context.Context, id int64, _ time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.FailErr != nil {
		return r.FailErr
	}
	rw, ok := r.rows[id]
	if !ok || rw.deleted {
		return domain.ErrNotFound
	}
	rw.deleted = true
	return nil
}

// DowngradeExpired moves expired PAID corporations to FREE and returns them, by id.
func (r *Repository) DowngradeExpired(_ context.Context, now time.Time) ([]domain.Corporation, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.FailErr != nil {
		return nil, r.FailErr
	}
	out := []domain.Corporation{}
	for _, rw := range r.rows {
		if !rw.deleted && rw.c.PlanType == domain.PlanPaid && rw.c.PlanExpiredAt != nil && !rw.c.PlanExpiredAt.After(now) {
			rw.c.PlanType, rw.c.UpdatedAt = domain.PlanFree, now
			out = append(out, rw.c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// IsDeleted reports whether the row exists and is soft-deleted.
func (r *Repository) IsDeleted(id int64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	rw, ok := r.rows[id]
	return ok && rw.deleted
}

// Count returns the number of rows, deleted or not.
func (r *Repository) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.rows)
}

// Snapshot copies the state; the returned function puts it back.
func (r *Repository) Snapshot() func() {
	r.mu.Lock()
	defer r.mu.Unlock()
	next := r.nextID
	rows := make(map[int64]*row, len(r.rows))
	for id, rw := range r.rows {
		cp := *rw
		rows[id] = &cp
	}
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.nextID, r.rows = next, rows
	}
}
