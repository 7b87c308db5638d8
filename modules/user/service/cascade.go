package service

import (
	"context"
	"fmt"

	"vms/modules/corporation/corporationevents"
	"vms/modules/user/ports"
)

// CorporationCascade soft-deletes a deleted corporation's users in the same unit of
// work, which frees their e-mail addresses. It does not publish events, because the
// event bus depends on its handlers; the auth module already refuses users of a deleted
// corporation through Accounts.Active.
type CorporationCascade struct {
	repo  ports.Repository
	clock ports.Clock
}

// NewCorporationCascade builds the handler.
func NewCorporationCascade(repo ports.Repository, clock ports.Clock) *CorporationCascade {
	return &CorporationCascade{repo: repo, clock: clock}
}

// Handle soft-deletes the corporation's users.
func (h *CorporationCascade) Handle(ctx context.Context, e corporationevents.CorporationDeleted) error {
	if _, err := h.repo.SoftDeleteCorporation(ctx, e.CorporationID, h.clock.Now()); err != nil {
		return fmt.Errorf("delete users of corporation %d: %w", e.CorporationID, err)
	}
	return nil
}
