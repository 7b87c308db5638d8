package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"

	"vms/modules/user/domain"
	"vms/modules/user/ports"
)

// Accounts checks passwords and liveness of accounts for sign-in and for every
// authenticated request. It is separate from Service because it needs to know whether a
// corporation is live, and the corporation module itself needs Service to create admins.
type Accounts struct {
	repo   ports.Repository
	hasher ports.PasswordHasher
	corps  ports.Corporations
	dummy  dummyHash
}

// NewAccounts builds the account checks.
func NewAccounts(repo ports.Repository, hasher ports.PasswordHasher, corps ports.Corporations) *Accounts {
	return &Accounts{repo: repo, hasher: hasher, corps: corps}
}

// dummyHash is a hash of a random password, checked when a login names no live user so
// that such a login costs as much as one with a wrong password. Only a successful hash
// is kept: a cancelled first request must not break later logins.
type dummyHash struct {
	mu   sync.Mutex
	hash string
}

func (s *Accounts) dummyHash(ctx context.Context) (string, error) {
	s.dummy.mu.Lock()
	h := s.dummy.hash
	s.dummy.mu.Unlock()
	if h != "" {
		return h, nil
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	h, err := s.hasher.Hash(ctx, hex.EncodeToString(b[:]))
	if err != nil {
		return "", err
	}
	s.dummy.mu.Lock()
	defer s.dummy.mu.Unlock()
	if s.dummy.hash == "" {
		s.dummy.hash = h
	}
	return s.dummy.hash, nil
}

// VerifyPassword checks the password of the live user with this e-mail in a live
// corporation. Exactly one hash is verified whatever the outcome.
func (s *Accounts) VerifyPassword(ctx context.Context, email, password string) (domain.Account, bool, error) {
	u, err := s.loginUser(ctx, email)
	if err != nil {
		return domain.Account{}, false, err
	}
	hash := u.PasswordHash
	if u.ID == 0 {
		if hash, err = s.dummyHash(ctx); err != nil {
			return domain.Account{}, false, fmt.Errorf("dummy hash: %w", err)
		}
	}
	ok, err := s.hasher.Verify(ctx, password, hash)
	if err != nil {
		return domain.Account{}, false, fmt.Errorf("verify password: %w", err)
	}
	if !ok || u.ID == 0 {
		return domain.Account{}, false, nil
	}
	return identity(u), true, nil
}

// loginUser returns the live user of a live corporation with this e-mail, or a zero
// user when there is none.
func (s *Accounts) loginUser(ctx context.Context, email string) (domain.User, error) {
	e, err := domain.NormalizeEmail(email)
	if err != nil {
		return domain.User{}, nil
	}
	u, err := s.repo.FindLiveByEmail(ctx, e)
	if errors.Is(err, domain.ErrNotFound) {
		return domain.User{}, nil
	}
	if err != nil {
		return domain.User{}, fmt.Errorf("find user: %w", err)
	}
	live, err := s.corps.IsLive(ctx, u.CorporationID)
	if err != nil {
		return domain.User{}, fmt.Errorf("corporation: %w", err)
	}
	if !live {
		return domain.User{}, nil
	}
	return u, nil
}

// Active returns the identity of a live user of a live corporation, with the time of its
// last password change.
func (s *Accounts) Active(ctx context.Context, userID int64) (domain.Account, bool, error) {
	u, err := s.repo.FindLive(ctx, userID)
	if errors.Is(err, domain.ErrNotFound) {
		return domain.Account{}, false, nil
	}
	if err != nil {
		return domain.Account{}, false, fmt.Errorf("find user: %w", err)
	}
	live, err := s.corps.IsLive(ctx, u.CorporationID)
	if err != nil || !live {
		return domain.Account{}, false, err
	}
	return identity(u), true, nil
}

// LockActive is Active for a caller about to issue tokens inside its unit of work: it
// first locks the user's row until that transaction ends, so a concurrent password
// change (which locks the row too) commits wholly before or wholly after the caller.
func (s *Accounts) LockActive(ctx context.Context, userID int64) (domain.Account, bool, error) {
	err := s.repo.LockUser(ctx, userID)
	if errors.Is(err, domain.ErrNotFound) {
		return domain.Account{}, false, nil
	}
	if err != nil {
		return domain.Account{}, false, fmt.Errorf("lock user: %w", err)
	}
	return s.Active(ctx, userID)
}

func identity(u domain.User) domain.Account {
	return domain.Account{UserID: u.ID, CorporationID: u.CorporationID, Role: u.Role, PasswordChangedAt: u.PasswordChangedAt}
}

// CorporationOf tells which corporation a live user belongs to.
func (s *Service) CorporationOf(ctx context.Context, userID int64) (int64, bool, error) {
	u, err := s.repo.FindLive(ctx, userID)
	if errors.Is(err, domain.ErrNotFound) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("find user: %w", err)
	}
	return u.CorporationID, true, nil
}
