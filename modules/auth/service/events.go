package service

import (
	"context"
	"fmt"

	"vms/modules/auth/ports"
	"vms/modules/corporation/corporationevents"
	"vms/modules/user/userevents"
)

// AccountEvents reacts to the deletion of users and corporations and to password changes.
type AccountEvents struct {
	sessions ports.Sessions
	uow      ports.UnitOfWork
	cache    *ActiveCache
	clock    ports.Clock
}

// NewAccountEvents builds the handler.
func NewAccountEvents(sessions ports.Sessions, uow ports.UnitOfWork, cache *ActiveCache, clock ports.Clock) *AccountEvents {
	return &AccountEvents{sessions: sessions, uow: uow, cache: cache, clock: clock}
}

// UserDeleted revokes every refresh token of the user inside the deleting unit of work,
// and marks the user gone so its access tokens stop working at once.
func (h *AccountEvents) UserDeleted(ctx context.Context, e userevents.UserDeleted) error {
	h.cache.Forget(e.UserID)
	return h.revokeSessions(ctx, e.UserID)
}

// PasswordChanged revokes every refresh token of the user inside the unit of work that
// stores the new password, and makes this process refuse the user's access and playback
// tokens issued before the change at once (other replicas within ActiveCacheTTL).
func (h *AccountEvents) PasswordChanged(ctx context.Context, e userevents.PasswordChanged) error {
	h.cache.PasswordChanged(e.UserID, e.At)
	return h.revokeSessions(ctx, e.UserID)
}

// revokeSessions revokes every live refresh token of the user, inside the caller's unit
// of work.
func (h *AccountEvents) revokeSessions(ctx context.Context, userID int64) error {
	now := h.clock.Now()
	err := h.uow.Do(ctx, func(ctx context.Context) error {
		_, err := h.sessions.RevokeUser(ctx, userID, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("revoke sessions of user %d: %w", userID, err)
	}
	return nil
}

// CorporationDeleted marks the corporation's users gone so their access tokens stop
// working at once; their refresh tokens already fail because the users are no longer live.
func (h *AccountEvents) CorporationDeleted(_ context.Context, e corporationevents.CorporationDeleted) error {
	h.cache.ForgetCorporation(e.CorporationID)
	return nil
}
