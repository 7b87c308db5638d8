package service

import (
	"context"
	"fmt"

	"vms/modules/auth/domain"
	"vms/platform/principal"
)

// ListSessions returns a user's refresh-token sessions to an admin of the user's
// corporation. Any other role is forbidden; a user of another corporation, or one that
// does not exist or was deleted, is not found.
func (s *Service) ListSessions(ctx context.Context, caller principal.Principal, userID, afterID int64, limit int) ([]domain.Session, error) {
	if !caller.IsAdmin() {
		return nil, domain.ErrForbidden
	}
	id, ok, err := s.accounts.Active(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	if !ok || !caller.AdminOf(id.CorporationID) {
		return nil, domain.ErrUserNotFound
	}
	list, err := s.sessions.ListByUser(ctx, userID, afterID, limit)
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	return list, nil
}
