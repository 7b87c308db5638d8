package service

import (
	"context"
	"fmt"
	"strings"

	"vms/modules/video/domain"
	"vms/platform/kind"
	"vms/platform/principal"
)

// Get returns one live video.
func (s *Service) Get(ctx context.Context, id int64) (domain.Video, error) {
	return s.Videos.GetLive(ctx, id)
}

// ListLive lists live videos by id. Videos of a deleted corporation are soft-deleted
// with it (see CorporationCleanup), so this list needs no read of the corporations table.
func (s *Service) ListLive(ctx context.Context, afterID int64, limit int) ([]domain.Video, error) {
	return s.Videos.ListLive(ctx, afterID, limit)
}

// ListByCorporation lists a corporation's live videos for any signed-in caller, or its
// deleted videos (the trash) for the corporation's admins only.
func (s *Service) ListByCorporation(ctx context.Context, caller principal.Principal, corporationID int64, deleted bool, afterID int64, limit int) ([]domain.Video, error) {
	if deleted && !caller.AdminOf(corporationID) {
		return nil, domain.ErrTrashForbidden
	}
	return s.Videos.ListByCorporation(ctx, corporationID, deleted, afterID, limit)
}

// Update renames a live video of the caller's corporation or changes a url video's source.
func (s *Service) Update(ctx context.Context, caller principal.Principal, id int64, ch domain.Changes) (domain.Video, error) {
	if !caller.IsAdmin() {
		return domain.Video{}, domain.ErrAdminOnly
	}
	current, err := s.Videos.GetOwned(ctx, caller.CorporationID, id, false)
	if err != nil {
		return domain.Video{}, err
	}
	if ch.Name == nil && ch.SourceURL == nil {
		return domain.Video{}, domain.InvalidFields(map[string]string{
			"name": "give a name or a file_path to change", "file_path": "give a name or a file_path to change",
		})
	}
	fields := map[string]string{}
	if ch.Name != nil {
		clean, err := domain.NormalizeName(*ch.Name)
		if err != nil {
			fields["name"] = err.(*kind.ValidationError).Fields["name"]
		}
		ch.Name = &clean
	}
	if ch.SourceURL != nil {
		src := strings.TrimSpace(*ch.SourceURL)
		switch {
		case current.SourceKind != domain.SourceURL:
			fields["file_path"] = "can only be changed on a video registered from a URL"
		case src == "":
			fields["file_path"] = "must not be empty"
		default:
			if err := s.Sources.Validate(src); err != nil {
				fields["file_path"] = err.Error()
			}
		}
		ch.SourceURL = &src
	}
	if len(fields) > 0 {
		return domain.Video{}, domain.InvalidFields(fields)
	}
	v, err := s.Videos.Update(ctx, caller.CorporationID, id, ch, s.Clock.Now())
	s.Live.Drop(id)
	if err != nil {
		return domain.Video{}, fmt.Errorf("update video: %w", err)
	}
	return v, nil
}

// Delete soft-deletes a live video of the caller's corporation.
func (s *Service) Delete(ctx context.Context, caller principal.Principal, id int64) error {
	if !caller.IsAdmin() {
		return domain.ErrAdminOnly
	}
	err := s.Videos.SoftDelete(ctx, caller.CorporationID, id, s.Clock.Now())
	s.Live.Drop(id)
	if err != nil {
		return fmt.Errorf("delete video: %w", err)
	}
	return nil
}

// Restore brings back a deleted video of the caller's corporation. It needs the
// corporation's effective PAID plan at this moment, so an expired plan never restores
// even before the expiry job has downgraded it.
func (s *Service) Restore(ctx context.Context, caller principal.Principal, id int64) (domain.Video, error) {
	if !caller.IsAdmin() {
		return domain.Video{}, domain.ErrAdminOnly
	}
	if _, err := s.Videos.GetOwned(ctx, caller.CorporationID, id, true); err != nil {
		return domain.Video{}, err
	}
	paid, err := s.Plans.IsPaid(ctx, caller.CorporationID)
	if err != nil {
		return domain.Video{}, fmt.Errorf("restore video: plan: %w", err)
	}
	if !paid {
		return domain.Video{}, domain.ErrNotPaid
	}
	v, err := s.Videos.Restore(ctx, caller.CorporationID, id, s.Clock.Now())
	s.Live.Drop(id)
	if err != nil {
		return domain.Video{}, fmt.Errorf("restore video: %w", err)
	}
	return v, nil
}
