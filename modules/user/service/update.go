package service

import (
	"context"
	"fmt"

	"vms/modules/user/domain"
	"vms/modules/user/userevents"
	"vms/platform/principal"
)

// Update changes a user's password and role. Users may change their own password, given
// their current one; an admin may change the password and role of the corporation's other
// users without it. A guest who sends a role, or anyone changing their own role, is
// refused (forbidden); a user the caller may not see is not found.
//
// A new password is stored with its change time in one unit of work that publishes
// PasswordChanged, whose handlers end the user's sessions in the same transaction. The
// user's row is locked first, so a refresh or sign-in that locks it too is ordered before
// or after the change, never across it.
func (s *Service) Update(ctx context.Context, caller principal.Principal, id int64, in UpdateInput) (domain.User, error) {
	u, err := s.Get(ctx, caller, id)
	if err != nil {
		return domain.User{}, err
	}
	ch, err := s.change(ctx, caller, u, in)
	if err != nil {
		return domain.User{}, err
	}
	var out domain.User
	err = s.uow.Do(ctx, func(ctx context.Context) error {
		if ch.PasswordHash != nil {
			if err := s.repo.LockUser(ctx, u.ID); err != nil {
				return fmt.Errorf("lock user: %w", err)
			}
		}
		// Read the clock only once the row is locked: a refresh or sign-in that held the
		// lock before has then committed, and its tokens are dated before this change.
		now := s.clock.Now()
		if ch.PasswordHash != nil {
			at := domain.PasswordChangeTime(now)
			ch.PasswordChangedAt = &at
		}
		out, err = s.repo.Update(ctx, u.CorporationID, u.ID, ch, now)
		if err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		if ch.PasswordChangedAt == nil {
			return nil
		}
		return s.pub.Publish(ctx, userevents.PasswordChanged{UserID: u.ID, CorporationID: u.CorporationID, At: *ch.PasswordChangedAt})
	})
	if err != nil {
		return domain.User{}, err
	}
	return out, nil
}

// change validates an update of u and hashes the new password, before any transaction:
// every field is checked first, then the current password (self changes only), and only
// then is the new one hashed.
func (s *Service) change(ctx context.Context, caller principal.Principal, u domain.User, in UpdateInput) (domain.Change, error) {
	if in.Password == nil && in.Role == nil {
		return domain.Change{}, domain.ErrNothingToSet
	}
	self := u.ID == caller.UserID
	f := domain.Fields{}
	var ch domain.Change
	if in.Role != nil {
		if !caller.IsAdmin() {
			return domain.Change{}, domain.ErrRoleByGuest
		}
		role, err := domain.ParseRole(*in.Role)
		f.Add("role", err)
		if err == nil {
			if self && role != u.Role {
				return domain.Change{}, domain.ErrOwnRole
			}
			ch.Role = &role
		}
	}
	if in.Password != nil {
		f.Add("password", domain.ValidatePassword(*in.Password))
		if self && (in.CurrentPassword == nil || *in.CurrentPassword == "") {
			f["current_password"] = "is required to change your own password"
		}
	}
	if err := f.Err(); err != nil {
		return domain.Change{}, err
	}
	if in.Password == nil {
		return ch, nil
	}
	if self {
		ok, err := s.hasher.Verify(ctx, *in.CurrentPassword, u.PasswordHash)
		if err != nil {
			return domain.Change{}, fmt.Errorf("verify current password: %w", err)
		}
		if !ok {
			return domain.Change{}, domain.ErrWrongPassword
		}
	}
	hash, err := s.hasher.Hash(ctx, *in.Password)
	if err != nil {
		return domain.Change{}, fmt.Errorf("hash password: %w", err)
	}
	ch.PasswordHash = &hash
	return ch, nil
}
