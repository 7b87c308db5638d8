package fake

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync"
	"time"

	"vms/modules/auth/domain"
	"vms/modules/auth/ports"
)

// Keys is an in-memory ports.APIKeys that is also its own ports.UnitOfWork, like Store.
// It counts the calls of each method, so tests can show what a use case wrote, and Err,
// when set, fails every method.
type Keys struct {
	tx     sync.Mutex
	mu     sync.Mutex
	rows   map[int64]domain.APIKey
	nextID int64
	calls  map[string]int
	Err    error
}

var (
	_ ports.APIKeys    = (*Keys)(nil)
	_ ports.UnitOfWork = (*Keys)(nil)
)

// NewKeys returns an empty key store.
func NewKeys() *Keys { return &Keys{rows: map[int64]domain.APIKey{}, calls: map[string]int{}} }

// Do runs fn as one unit of work, joining the one ctx already carries, and restores the
// previous rows when fn fails.
func (s *Keys) Do(ctx context.Context, fn func(ctx context.Context) error) error {
	if InTx(ctx) {
		return fn(ctx)
	}
	s.tx.Lock()
	defer s.tx.Unlock()
	s.mu.Lock()
	snap, next := cloneKeys(s.rows), s.nextID
	s.mu.Unlock()
	if err := fn(context.WithValue(ctx, txKey{}, true)); err != nil {
		s.mu.Lock()
		s.rows, s.nextID = snap, next
		s.mu.Unlock()
		return err
	}
	return nil
}

// Calls returns how many times the method was called.
func (s *Keys) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// Get returns the stored key with the id.
func (s *Keys) Get(id int64) (domain.APIKey, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, ok := s.rows[id]
	return copyKey(k), ok
}

func (s *Keys) call(method string) error {
	s.calls[method]++
	return s.Err
}

// Create stores a key.
func (s *Keys) Create(_ context.Context, k domain.APIKey) (domain.APIKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.call("Create"); err != nil {
		return domain.APIKey{}, err
	}
	for _, r := range s.rows {
		if r.Hash == k.Hash {
			return domain.APIKey{}, errDuplicateHash
		}
	}
	s.nextID++
	k = copyKey(k)
	k.ID = s.nextID
	s.rows[k.ID] = k
	return copyKey(k), nil
}

// FindByHash returns the key with the hash.
func (s *Keys) FindByHash(_ context.Context, hash string) (domain.APIKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.call("FindByHash"); err != nil {
		return domain.APIKey{}, err
	}
	for _, r := range s.rows {
		if r.Hash == hash {
			return copyKey(r), nil
		}
	}
	return domain.APIKey{}, domain.ErrKeyNotFound
}

// List lists a corporation's keys by id.
func (s *Keys) List(_ context.Context, corporationID, afterID int64, limit int) ([]domain.APIKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.call("List"); err != nil {
		return nil, err
	}
	var out []domain.APIKey
	for _, id := range slices.Sorted(maps.Keys(s.rows)) {
		if r := s.rows[id]; id > afterID && r.CorporationID == corporationID && len(out) < limit {
			out = append(out, copyKey(r))
		}
	}
	return out, nil
}

// Revoke revokes one of the corporation's keys.
func (s *Keys) Revoke(_ context.Context, corporationID, id int64, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.call("Revoke"); err != nil {
		return err
	}
	r, ok := s.rows[id]
	if !ok || r.CorporationID != corporationID {
		return domain.ErrKeyNotFound
	}
	if r.RevokedAt == nil {
		r.RevokedAt = ptr(now)
		s.rows[id] = r
	}
	return nil
}

// RevokeCorporation revokes the corporation's live keys.
func (s *Keys) RevokeCorporation(_ context.Context, corporationID int64, now time.Time) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.call("RevokeCorporation"); err != nil {
		return 0, err
	}
	var n int64
	for id, r := range s.rows {
		if r.CorporationID == corporationID && r.RevokedAt == nil {
			r.RevokedAt = ptr(now)
			s.rows[id] = r
			n++
		}
	}
	return n, nil
}

// TouchLastUsed moves a key's last use forward.
func (s *Keys) TouchLastUsed(_ context.Context, id int64, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.call("TouchLastUsed"); err != nil {
		return err
	}
	if r, ok := s.rows[id]; ok && (r.LastUsedAt == nil || r.LastUsedAt.Before(at)) {
		r.LastUsedAt = ptr(at)
		s.rows[id] = r
	}
	return nil
}

// ErrInjected is an error tests set as Err.
var ErrInjected = errors.New("injected failure")

func cloneKeys(rows map[int64]domain.APIKey) map[int64]domain.APIKey {
	out := make(map[int64]domain.APIKey, len(rows))
	for id, k := range rows {
		out[id] = copyKey(k)
	}
	return out
}

// copyKey copies the key's slice and pointers, so no caller shares them with the store.
func copyKey(k domain.APIKey) domain.APIKey {
	k.Scopes = slices.Clone(k.Scopes)
	k.ExpiresAt = clonePtr(k.ExpiresAt)
	k.LastUsedAt = clonePtr(k.LastUsedAt)
	k.RevokedAt = clonePtr(k.RevokedAt)
	return k
}

func clonePtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	return ptr(*t)
}
