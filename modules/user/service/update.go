package service

import (
	"context"
	"fmt"

	"vms/modules/user/domain"
	"vms/platform/principal"
)

// Update changes a user's password and role. Users may change their own password; an
// admin may change the password and role of the corporation's other users. A guest who
// sends a role, or anyone changing their own role, is refused (forbidden); a user the
// caller may not see is not found.
func (s *Service) Update(ctx context.Context, caller principal.Principal, id int64, in UpdateInput) (domain.User, error) {
	u, err := s.Get(ctx, caller, id)
	if err != nil {
		return domain.User{}, err
	}
	if in.Password == nil && in.Role == nil {
		return domain.User{}, domain.ErrNothingToSet
	}
	f := domain.Fields{}
	var ch domain.Change
	if in.Role != nil {
		if !caller.IsAdmin() {
			return domain.User{}, domain.ErrRoleByGuest
		}
		role, err := domain.ParseRole(*in.Role)
		f.Add("role", err)
		if err == nil {
			if u.ID == caller.UserID && role != u.Role {
				return domain.User{}, domain.ErrOwnRole
			}
			ch.Role = &role
		}
	}
	if in.Password != nil {
		f.Add("password", domain.ValidatePassword(*in.Password))
	}
	if err := f.Err(); err != nil {
		return domain.User{}, err
	}
	if in.Password != nil {
		hash, err := s.hasher.Hash(ctx, *in.Password)
		if err != nil {
			return domain.User{}, fmt.Errorf("hash password: %w", err)
		}
		ch.PasswordHash = &hash
	}
	out, err := s.repo.Update(ctx, u.CorporationID, u.ID, ch, s.clock.Now())
	if err != nil {
		return domain.User{}, fmt.Errorf("update user: %w", err)
	}
	return out, nil
}
