// Package fake has in-memory implementations of the usage module's ports, for tests.
package fake

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	"vms/modules/usage/domain"
	"vms/modules/usage/ports"
)

type reservation struct {
	corporationID int64
	bytes         int64
	expires       time.Time
}

type video struct{ corporationID, original, derived int64 }

type dayKey struct {
	corporationID int64
	day           domain.Day
}

type state struct {
	accounts     map[int64]domain.Account
	reservations map[string]reservation
	videos       map[int64]video
	days         map[dayKey]domain.DayRecord
}

func (s state) clone() state {
	days := make(map[dayKey]domain.DayRecord, len(s.days))
	for k, d := range s.days {
		if d.StoredBytes != nil {
			v := *d.StoredBytes
			d.StoredBytes = &v
		}
		days[k] = d
	}
	return state{accounts: maps.Clone(s.accounts), reservations: maps.Clone(s.reservations), videos: maps.Clone(s.videos), days: days}
}

// Repository is an in-memory ports.Repository.
type Repository struct {
	mu    sync.Mutex
	s     state
	calls map[string]int
	// Err, when set, fails every call that writes.
	Err error
}

var _ ports.Repository = (*Repository)(nil)

// NewRepository returns an empty repository.
func NewRepository() *Repository {
	return &Repository{
		s:     state{accounts: map[int64]domain.Account{}, reservations: map[string]reservation{}, videos: map[int64]video{}, days: map[dayKey]domain.DayRecord{}},
		calls: map[string]int{},
	}
}

// Called counts the calls of a method.
func (r *Repository) Called(method string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.calls[method]
}

// Snapshot lets a test unit of work roll the repository back.
func (r *Repository) Snapshot() func() {
	r.mu.Lock()
	defer r.mu.Unlock()
	saved := r.s.clone()
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		r.s = saved
	}
}

func (r *Repository) begin(method string) func() {
	r.mu.Lock()
	r.calls[method]++
	return r.mu.Unlock
}

func (r *Repository) account(id int64) domain.Account {
	a := r.s.accounts[id]
	a.CorporationID = id
	return a
}

func (r *Repository) setLevel(corporationID int64, day domain.Day, uploads int64) {
	used := r.s.accounts[corporationID].Used
	k := dayKey{corporationID, day}
	d := r.s.days[k]
	d.Day, d.StoredBytes = day, &used
	d.Uploads += uploads
	r.s.days[k] = d
}

// Reserve reserves n bytes when they fit.
func (r *Repository) Reserve(_ context.Context, corporationID int64, key string, n, quota int64, expires time.Time) (domain.Account, bool, error) {
	defer r.begin("Reserve")()
	if r.Err != nil {
		return domain.Account{}, false, r.Err
	}
	a := r.account(corporationID)
	if !a.Fits(n, quota) {
		return a, false, nil
	}
	if _, dup := r.s.reservations[key]; dup {
		return a, false, errDuplicate
	}
	a.Reserved += n
	r.s.accounts[corporationID] = a
	r.s.reservations[key] = reservation{corporationID: corporationID, bytes: n, expires: expires}
	return a, true, nil
}

// Unreserve removes a reservation.
func (r *Repository) Unreserve(_ context.Context, corporationID int64, key string) (bool, error) {
	defer r.begin("Unreserve")()
	if r.Err != nil {
		return false, r.Err
	}
	res, ok := r.s.reservations[key]
	if !ok || res.corporationID != corporationID {
		return false, nil
	}
	r.unreserve(key, res)
	return true, nil
}

func (r *Repository) unreserve(key string, res reservation) {
	delete(r.s.reservations, key)
	a := r.account(res.corporationID)
	a.Reserved -= res.bytes
	r.s.accounts[res.corporationID] = a
}

// UnreserveExpired removes expired reservations.
func (r *Repository) UnreserveExpired(_ context.Context, now time.Time, limit int) (int, error) {
	defer r.begin("UnreserveExpired")()
	if r.Err != nil {
		return 0, r.Err
	}
	n := 0
	for _, key := range slices.Sorted(maps.Keys(r.s.reservations)) {
		res := r.s.reservations[key]
		if n < limit && !now.Before(res.expires) {
			r.unreserve(key, res)
			n++
		}
	}
	return n, nil
}

// AddVideo records a stored video.
func (r *Repository) AddVideo(_ context.Context, corporationID, videoID, bytes int64, day domain.Day) (bool, error) {
	defer r.begin("AddVideo")()
	if r.Err != nil {
		return false, r.Err
	}
	if _, ok := r.s.videos[videoID]; ok {
		return false, nil
	}
	r.s.videos[videoID] = video{corporationID: corporationID, original: bytes}
	a := r.account(corporationID)
	a.Used += bytes
	r.s.accounts[corporationID] = a
	r.setLevel(corporationID, day, 1)
	return true, nil
}

// SetDerived sets a video's derived bytes.
func (r *Repository) SetDerived(_ context.Context, videoID, bytes int64, day domain.Day) (bool, error) {
	defer r.begin("SetDerived")()
	if r.Err != nil {
		return false, r.Err
	}
	v, ok := r.s.videos[videoID]
	if !ok {
		return false, nil
	}
	a := r.account(v.corporationID)
	a.Used += bytes - v.derived
	r.s.accounts[v.corporationID] = a
	v.derived = bytes
	r.s.videos[videoID] = v
	r.setLevel(v.corporationID, day, 0)
	return true, nil
}

// AddTraffic adds egress and first views to days.
func (r *Repository) AddTraffic(_ context.Context, traffic []domain.Traffic) error {
	defer r.begin("AddTraffic")()
	if r.Err != nil {
		return r.Err
	}
	for _, t := range traffic {
		k := dayKey{t.CorporationID, t.Day}
		d := r.s.days[k]
		d.Day = t.Day
		d.EgressBytes += t.EgressBytes
		d.FirstViews += t.FirstViews
		r.s.days[k] = d
	}
	return nil
}

// Account returns an account.
func (r *Repository) Account(_ context.Context, corporationID int64) (domain.Account, error) {
	defer r.begin("Account")()
	return r.account(corporationID), nil
}

// Days returns the recorded days of a period and the level before it.
func (r *Repository) Days(_ context.Context, corporationID int64, first, last domain.Day) ([]domain.DayRecord, int64, error) {
	defer r.begin("Days")()
	var out []domain.DayRecord
	var before int64
	latest := domain.Day(-1 << 62)
	for k, d := range r.s.days {
		switch {
		case k.corporationID != corporationID:
		case k.day >= first && k.day <= last:
			if d.StoredBytes != nil {
				v := *d.StoredBytes
				d.StoredBytes = &v
			}
			out = append(out, d)
		case k.day < first && d.StoredBytes != nil && k.day > latest:
			latest, before = k.day, *d.StoredBytes
		}
	}
	slices.SortFunc(out, func(a, b domain.DayRecord) int { return int(a.Day - b.Day) })
	return out, before, nil
}

// Totals sums every account.
func (r *Repository) Totals(context.Context) (int64, int64, error) {
	defer r.begin("Totals")()
	var stored, reserved int64
	for _, a := range r.s.accounts {
		stored += a.Used
		reserved += a.Reserved
	}
	return stored, reserved, nil
}
