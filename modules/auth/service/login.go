package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"vms/modules/auth/domain"
	"vms/modules/auth/ports"
)

// Login checks the credentials and opens a new session (a new refresh token family).
// Unknown e-mails and wrong passwords fail alike; failures are rate limited per e-mail
// and per client IP.
func (s *Service) Login(ctx context.Context, email, password, clientIP string) (domain.TokenPair, error) {
	norm, err := domain.ValidateLogin(email, password)
	if err != nil {
		return domain.TokenPair{}, err
	}
	okIP, waitIP := s.byIP.Acquire(clientIP)
	if !okIP {
		return domain.TokenPair{}, &domain.RateLimitedError{Wait: waitIP}
	}
	okEmail, waitEmail := s.byEmail.Acquire(norm)
	if !okEmail {
		s.byIP.Release(clientIP)
		return domain.TokenPair{}, &domain.RateLimitedError{Wait: waitEmail}
	}
	id, ok, err := s.accounts.VerifyPassword(ctx, norm, password)
	if err != nil {
		s.byIP.Release(clientIP)
		s.byEmail.Release(norm)
		return domain.TokenPair{}, fmt.Errorf("login: %w", err)
	}
	if !ok {
		return domain.TokenPair{}, domain.ErrInvalidCredentials
	}
	s.byIP.Release(clientIP)
	s.byEmail.Release(norm)
	token, hash := newRefreshToken()
	now := s.clock.Now()
	var issued time.Time
	err = s.uow.Do(ctx, func(ctx context.Context) error {
		// Under the user's row lock, a password change is either already committed (and
		// then the password checked above, read before it, no longer counts) or waits for
		// this session and revokes it.
		cur, ok, err := s.accounts.LockActive(ctx, id.UserID)
		if err != nil {
			return err
		}
		if !ok || !cur.PasswordChangedAt.Equal(id.PasswordChangedAt) {
			return domain.ErrInvalidCredentials
		}
		id = cur
		issued = issueTime(now, cur)
		_, err = s.sessions.Create(ctx, domain.Session{
			UserID:    id.UserID,
			TokenHash: hash,
			FamilyID:  newFamilyID(),
			CreatedAt: issued,
			ExpiresAt: issued.Add(s.refreshTTL),
		})
		return err
	})
	if errors.Is(err, domain.ErrInvalidCredentials) {
		return domain.TokenPair{}, err
	}
	if err != nil {
		return domain.TokenPair{}, fmt.Errorf("login: store session: %w", err)
	}
	return s.pair(id, token, issued)
}

// pair signs the access token that goes with a refresh token, dated like the session the
// unit of work stored. It runs after that has committed (signing is not database work),
// so a password change committed in between still refuses the token.
func (s *Service) pair(id ports.Identity, refresh string, issued time.Time) (domain.TokenPair, error) {
	access, _, err := s.signer.SignAccessAt(id, issued)
	if err != nil {
		return domain.TokenPair{}, err
	}
	return domain.TokenPair{AccessToken: access, RefreshToken: refresh, ExpiresIn: s.signer.AccessTTL()}, nil
}
