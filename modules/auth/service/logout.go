package service

import (
	"context"
	"errors"
	"fmt"

	"vms/modules/auth/domain"
	"vms/platform/kind"
	"vms/platform/principal"
)

// Logout revokes the family of the caller's refresh token. A token that is unknown or
// belongs to another user is refused as not valid (401), so nobody learns whether someone
// else's token exists. Logging out of an already revoked family succeeds.
func (s *Service) Logout(ctx context.Context, caller principal.Principal, token string) error {
	if token == "" {
		return kind.InvalidField("refresh_token", "is required")
	}
	hash := HashToken(token)
	now := s.clock.Now()
	err := s.uow.Do(ctx, func(ctx context.Context) error {
		cur, err := s.sessions.FindByHash(ctx, hash)
		if errors.Is(err, domain.ErrSessionNotFound) {
			return domain.ErrInvalidRefreshToken
		}
		if err != nil {
			return err
		}
		if cur.UserID != caller.UserID {
			return domain.ErrInvalidRefreshToken
		}
		_, err = s.sessions.RevokeFamily(ctx, cur.FamilyID, now)
		return err
	})
	if err != nil && kind.Of(err) != kind.Unauthorized {
		return fmt.Errorf("logout: %w", err)
	}
	return err
}

// LogoutAll revokes every refresh token of the caller, on every device. Access tokens
// already issued run to their (short) expiry.
func (s *Service) LogoutAll(ctx context.Context, caller principal.Principal) error {
	if caller.UserID <= 0 {
		return domain.ErrUnauthenticated
	}
	now := s.clock.Now()
	err := s.uow.Do(ctx, func(ctx context.Context) error {
		_, err := s.sessions.RevokeUser(ctx, caller.UserID, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("logout everywhere: %w", err)
	}
	return nil
}
