// Package fake holds in-memory implementations of the user module's ports, for tests.
package fake

import (
	"context"
	"sort"
	"sync"
	"time"

	"vms/modules/user/domain"
	"vms/modules/user/ports"
)

// Repository is an in-memory ports.Repository.
type Repository struct {
	mu      sync.Mutex
	nextID  int64
	rows    map[int64]*row
	FailErr error // returned by every method when set
}

type row struct {
	u       domain.User
	deleted bool
}

var _ ports.Repository = (*Repository)(nil)

// NewRepository returns an empty repository.
func NewRepository() *Repository { return &Repository{rows: map[int64]*row{}} }

func (r *Repository) find(match func(domain.User) bool) (domain.User, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.FailErr != nil {
		return domain.User{}, r.FailErr
	}
	for _, rw := range r.rows {
		if !rw.deleted && match(rw.u) {
			return rw.u, nil
		}
	}
	return domain.User{}, domain.ErrNotFound
}

// Create inserts a user.
func (r *Repository) Create(_ context.Context, u domain.NewUser, now time.Time) (domain.User, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.FailErr != nil {
		return domain.User{}, r.FailErr
	}
	for _, rw := range r.rows {
		if !rw.deleted && rw.u.Email == u.Email {
			return domain.User{}, domain.ErrEmailTaken
		}
	}
	r.nextID++
	nu := domain.User{ID: r.nextID, Email: u.Email, PasswordHash: u.PasswordHash, Role: u.Role, CorporationID: u.CorporationID, CreatedAt: now, UpdatedAt: now}
	r.rows[nu.ID] = &row{u: nu}
	return nu, nil
}

// Get returns a live user of the corporation.
func (r *Repository) Get(_ context.Context, corporationID, id int64) (domain.User, error) {
	return r.find(func(u domain.User) bool { return u.ID == id && u.CorporationID == corporationID })
}

// GetByEmail returns a live user of the corporation by e-mail.
func (r *Repository) GetByEmail(_ context.Context, corporationID int64, email string) (domain.User, error) {
	return r.find(func(u domain.User) bool { return u.Email == email && u.CorporationID == corporationID })
}

// FindLive returns a live user.
func (r *Repository) FindLive(_ context.Context, id int64) (domain.User, error) {
	return r.find(func(u domain.User) bool { return u.ID == id })
}

// FindLiveByEmail returns the live user with this e-mail.
func (r *Repository) FindLiveByEmail(_ context.Context, email string) (domain.User, error) {
	return r.find(func(u domain.User) bool { return u.Email == email })
}

// List returns a page of the corporation's live users.
func (r *Repository) List(_ context.Context, corporationID, afterID int64, limit int) ([]domain.User, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.FailErr != nil {
		return nil, r.FailErr
	}
	out := []domain.User{}
	for _, rw := range r.rows {
		if !rw.deleted && rw.u.CorporationID == corporationID && rw.u.ID > afterID {
			out = append(out, rw.u)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

func (r *Repository) liveIn(corporationID, id int64) (*row, error) {
	if r.FailErr != nil {
		return nil, r.FailErr
	}
	rw, ok := r.rows[id]
	if !ok || rw.deleted || rw.u.CorporationID != corporationID {
		return nil, domain.ErrNotFound
	}
	return rw, nil
}

// Update sets the changed fields of a live user of the corporation.
func (r *Repository) Update(_ context.Context, corporationID, id int64, ch domain.Change, now time.Time) (domain.User, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rw, err := r.liveIn(corporationID, id)
	if err != nil {
		return domain.User{}, err
	}
	if ch.PasswordHash != nil {
		rw.u.PasswordHash = *ch.PasswordHash
	}
	if ch.PasswordChangedAt != nil {
		rw.u.PasswordChangedAt = *ch.PasswordChangedAt
	}
	if ch.Role != nil {
		rw.u.Role = *ch.Role
	}
	rw.u.UpdatedAt = now
	return rw.u, nil
}

// SoftDelete marks a live user of the corporation deleted.
func (r *Repository) SoftDelete(_ context.Context, corporationID, id int64, _ time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	rw, err := r.liveIn(corporationID, id)
	if err != nil {
		return err
	}
	rw.deleted = true
	return nil
}

// SoftDeleteCorporation marks every live user of the corporation deleted.
func (r *Repository) SoftDeleteCorporation(_ context.Context, corporationID int64, _ time.Time) (int64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.FailErr != nil {
		return 0, r.FailErr
	}
	var n int64
	for _, rw := range r.rows {
		if !rw.deleted && rw.u.CorporationID == corporationID {
			rw.deleted = true
			n++
		}
	}
	return n, nil
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

// Row returns a user whether deleted or not, and whether it is deleted.
func (r *Repository) Row(id int64) (domain.User, bool, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rw, ok := r.rows[id]
	if !ok {
		return domain.User{}, false, false
	}
	return rw.u, rw.deleted, true
}

// Count returns the number of users, deleted or not.
func (r *Repository) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.rows)
}

// LockUser checks the user exists; the fake's mutex already serialises callers.
func (r *Repository) LockUser(_ context.Context, id int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.FailErr != nil {
		return r.FailErr
	}
	if _, ok := r.rows[id]; !ok {
		return domain.ErrNotFound
	}
	return nil
}

// AddPoints adds amount to the user's balance.
func (r *Repository) AddPoints(_ context.Context, id int64, amount int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.FailErr != nil {
		return r.FailErr
	}
	rw, ok := r.rows[id]
	if !ok {
		return domain.ErrNotFound
	}
	rw.u.Point += amount
	return nil
}
