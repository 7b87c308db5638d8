// Package fake holds in-memory implementations of the auth module's ports, for tests.
package fake

import (
	"context"
	"errors"
	"maps"
	"sync"
	"time"

	"vms/modules/auth/domain"
	"vms/modules/auth/ports"
)

// Store is an in-memory ports.Sessions that is also its own ports.UnitOfWork: Do runs
// units one at a time and restores the previous state when fn fails or panics.
type Store struct {
	tx     sync.Mutex
	mu     sync.Mutex
	rows   map[int64]domain.Session
	nextID int64
	units  int
}

var (
	_ ports.Sessions   = (*Store)(nil)
	_ ports.UnitOfWork = (*Store)(nil)
)

// NewStore returns an empty store.
func NewStore() *Store { return &Store{rows: map[int64]domain.Session{}} }

type txKey struct{}

// InTx reports whether ctx is inside a unit of work of a Store.
func InTx(ctx context.Context) bool { return ctx.Value(txKey{}) != nil }

// Do runs fn as one unit of work, joining the one ctx already carries.
func (s *Store) Do(ctx context.Context, fn func(ctx context.Context) error) (err error) {
	if InTx(ctx) {
		return fn(ctx)
	}
	s.tx.Lock()
	defer s.tx.Unlock()
	s.mu.Lock()
	s.units++
	snap, next := maps.Clone(s.rows), s.nextID
	s.mu.Unlock()
	committed := false
	defer func() {
		if !committed {
			s.mu.Lock()
			s.rows, s.nextID = snap, next
			s.mu.Unlock()
		}
	}()
	if err := fn(context.WithValue(ctx, txKey{}, true)); err != nil {
		return err
	}
	committed = true
	return nil
}

// Units returns how many outermost units of work ran.
func (s *Store) Units() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.units
}

// All returns every stored session, by id.
func (s *Store) All() []domain.Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]domain.Session, 0, len(s.rows))
	for id := int64(1); id <= s.nextID; id++ {
		if r, ok := s.rows[id]; ok {
			out = append(out, r)
		}
	}
	return out
}

// Create stores a session.
func (s *Store) Create(_ context.Context, sess domain.Session) (domain.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.rows {
		if r.TokenHash == sess.TokenHash {
			return domain.Session{}, errDuplicateHash
		}
	}
	s.nextID++
	sess.ID = s.nextID
	s.rows[sess.ID] = sess
	return sess, nil
}

// Consume spends a usable session.
func (s *Store) Consume(_ context.Context, tokenHash string, now time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, r := range s.rows {
		if r.TokenHash == tokenHash && r.Usable(now) {
			r.RevokedAt, r.LastUsedAt = ptr(now), ptr(now)
			s.rows[id] = r
			return true, nil
		}
	}
	return false, nil
}

// FindByHash returns the session with the hash.
func (s *Store) FindByHash(_ context.Context, tokenHash string) (domain.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.rows {
		if r.TokenHash == tokenHash {
			return r, nil
		}
	}
	return domain.Session{}, domain.ErrSessionNotFound
}

// RevokeFamily revokes a family's live sessions.
func (s *Store) RevokeFamily(_ context.Context, familyID string, now time.Time) (int64, error) {
	return s.revoke(func(r domain.Session) bool { return r.FamilyID == familyID }, now), nil
}

// RevokeUser revokes a user's live sessions.
func (s *Store) RevokeUser(_ context.Context, userID int64, now time.Time) (int64, error) {
	return s.revoke(func(r domain.Session) bool { return r.UserID == userID }, now), nil
}

func (s *Store) revoke(match func(domain.Session) bool, now time.Time) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for id, r := range s.rows {
		if match(r) && r.RevokedAt == nil {
			r.RevokedAt = ptr(now)
			s.rows[id] = r
			n++
		}
	}
	return n
}

// ListByUser lists a user's sessions by id.
func (s *Store) ListByUser(_ context.Context, userID, afterID int64, limit int) ([]domain.Session, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []domain.Session
	for id := afterID + 1; id <= s.nextID && len(out) < limit; id++ {
		if r, ok := s.rows[id]; ok && r.UserID == userID {
			out = append(out, r)
		}
	}
	return out, nil
}

var errDuplicateHash = errors.New("duplicate token hash")

func ptr(t time.Time) *time.Time { return &t }
