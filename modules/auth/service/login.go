package service

import (
	"context"
	"fmt"

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
	err = s.uow.Do(ctx, func(ctx context.Context) error {
		_, err := s.sessions.Create(ctx, domain.Session{
			UserID:    id.UserID,
			TokenHash: hash,
			FamilyID:  newFamilyID(),
			CreatedAt: now,
			ExpiresAt: now.Add(s.refreshTTL),
		})
		return err
	})
	if err != nil {
		return domain.TokenPair{}, fmt.Errorf("login: store session: %w", err)
	}
	return s.pair(id, token)
}

// pair signs the access token that goes with a refresh token. It runs after the unit of
// work has committed: signing is not database work.
func (s *Service) pair(id ports.Identity, refresh string) (domain.TokenPair, error) {
	access, _, err := s.signer.SignAccess(id)
	if err != nil {
		return domain.TokenPair{}, err
	}
	return domain.TokenPair{AccessToken: access, RefreshToken: refresh, ExpiresIn: s.signer.AccessTTL()}, nil
}
