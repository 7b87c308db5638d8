package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"vms/modules/auth/domain"
	"vms/modules/auth/ports"
	"vms/platform/kind"
)

// Refresh exchanges a refresh token for a new pair. The presented token is spent by one
// conditional update, so of concurrent exchanges exactly one wins; the successor joins the
// same family and lives a full refresh lifetime from now. Presenting a token that was
// already spent revokes its whole family (reuse detection): the rightful holder and a
// thief cannot both go on, so both must sign in again. A token older than the user's
// last password change is refused.
func (s *Service) Refresh(ctx context.Context, token string) (domain.TokenPair, error) {
	if token == "" {
		return domain.TokenPair{}, kind.InvalidField("refresh_token", "is required")
	}
	hash := HashToken(token)
	next, nextHash := newRefreshToken()
	now := s.clock.Now()
	var (
		id     ports.Identity
		issued time.Time
		reused *domain.Session
	)
	err := s.uow.Do(ctx, func(ctx context.Context) error {
		owner, err := s.sessions.FindByHash(ctx, hash)
		if errors.Is(err, domain.ErrSessionNotFound) {
			return domain.ErrInvalidRefreshToken
		}
		if err != nil {
			return err
		}
		// Lock the owner's row before spending the token. A password change locks it too
		// before it revokes the user's tokens, so it either commits first (this token is
		// then revoked, or the successor would predate the change) or waits for this
		// refresh and then revokes its successor; the locks are always taken in that
		// order, user row first, so the two never deadlock.
		ident, ok, err := s.accounts.LockActive(ctx, owner.UserID)
		if err != nil {
			return err
		}
		won, err := s.sessions.Consume(ctx, hash, now)
		if err != nil {
			return err
		}
		cur, err := s.sessions.FindByHash(ctx, hash)
		if err != nil {
			return err
		}
		if !won {
			// Only a token spent by a refresh is a reuse. One revoked unused (logout, user
			// deletion, password change) belongs to a family that was revoked whole and
			// cannot have grown since.
			if cur.RevokedAt == nil || cur.LastUsedAt == nil {
				return domain.ErrInvalidRefreshToken
			}
			reused = &cur
			_, err := s.sessions.RevokeFamily(ctx, cur.FamilyID, now)
			return err
		}
		if !ok || cur.CreatedAt.Before(ident.PasswordChangedAt) {
			return domain.ErrInvalidRefreshToken
		}
		id = ident
		issued = issueTime(now, ident)
		_, err = s.sessions.Create(ctx, domain.Session{
			UserID:    cur.UserID,
			TokenHash: nextHash,
			FamilyID:  cur.FamilyID,
			CreatedAt: issued,
			ExpiresAt: issued.Add(s.refreshTTL),
		})
		return err
	})
	if err != nil {
		if kind.Of(err) == kind.Unauthorized {
			return domain.TokenPair{}, err
		}
		return domain.TokenPair{}, fmt.Errorf("refresh: %w", err)
	}
	if reused != nil {
		slog.WarnContext(ctx, "spent refresh token presented again; family revoked", "user_id", reused.UserID, "session_id", reused.ID)
		return domain.TokenPair{}, domain.ErrInvalidRefreshToken
	}
	return s.pair(id, next, issued)
}
