package service

import (
	"context"
	"fmt"
	"strings"

	"vms/modules/video/domain"
	"vms/modules/video/videoevents"
	"vms/platform/kind"
	"vms/platform/principal"
)

// viewer is who the caller is when reading videos; the zero principal of an anonymous
// request is the anonymous viewer.
func viewer(caller principal.Principal) domain.Viewer {
	return domain.Viewer{CorporationID: caller.CorporationID}
}

// Get returns one live video the caller sees: a public one, or any of the caller's
// corporation. Anyone else's private video is not found.
func (s *Service) Get(ctx context.Context, caller principal.Principal, id int64) (domain.Video, error) {
	v, err := s.Videos.GetLive(ctx, viewer(caller), id)
	if err != nil {
		return domain.Video{}, err
	}
	return s.withMedia(ctx, v)
}

// ListLive lists the live videos the caller sees, by id: public ones, plus the caller's
// corporation's when signed in; a non-empty q keeps names that contain it, ignoring case.
// Videos of a deleted corporation are soft-deleted with it (see CorporationCleanup), so
// this list needs no read of the corporations table.
func (s *Service) ListLive(ctx context.Context, caller principal.Principal, q string, afterID int64, limit int) ([]domain.Video, error) {
	q, err := domain.ParseQuery(q)
	if err != nil {
		return nil, err
	}
	vs, err := s.Videos.List(ctx, domain.ListFilter{Viewer: viewer(caller), Query: q}, afterID, limit)
	if err != nil {
		return nil, err
	}
	return s.withMediaAll(ctx, vs)
}

// ListByCorporation lists a corporation's live videos the caller sees (all of them for
// its members, its public ones for anyone else), or its deleted videos (the trash) for
// the corporation's admins only.
func (s *Service) ListByCorporation(ctx context.Context, caller principal.Principal, corporationID int64, deleted bool, q string, afterID int64, limit int) ([]domain.Video, error) {
	if deleted && !caller.AdminOf(corporationID) {
		return nil, domain.ErrTrashForbidden
	}
	q, err := domain.ParseQuery(q)
	if err != nil {
		return nil, err
	}
	f := domain.ListFilter{Viewer: viewer(caller), CorporationID: corporationID, Deleted: deleted, Query: q}
	vs, err := s.Videos.List(ctx, f, afterID, limit)
	if err != nil {
		return nil, err
	}
	return s.withMediaAll(ctx, vs)
}

// Update renames a live video of the caller's corporation, changes a url video's source
// or its visibility.
func (s *Service) Update(ctx context.Context, caller principal.Principal, id int64, ch domain.Changes) (domain.Video, error) {
	if !caller.IsAdmin() {
		return domain.Video{}, domain.ErrAdminOnly
	}
	current, err := s.Videos.GetOwned(ctx, caller.CorporationID, id, false)
	if err != nil {
		return domain.Video{}, err
	}
	if ch.Name == nil && ch.SourceURL == nil && ch.Visibility == nil {
		const msg = "give a name, a file_path or a visibility to change"
		return domain.Video{}, domain.InvalidFields(map[string]string{"name": msg, "file_path": msg, "visibility": msg})
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
	if ch.Visibility != nil {
		vis, err := domain.ParseVisibility(string(*ch.Visibility))
		if err != nil {
			fields["visibility"] = err.(*kind.ValidationError).Fields["visibility"]
		}
		ch.Visibility = &vis
	}
	if len(fields) > 0 {
		return domain.Video{}, domain.InvalidFields(fields)
	}
	v, err := s.Videos.Update(ctx, caller.CorporationID, id, ch, s.Clock.Now())
	s.Live.Drop(id)
	if err != nil {
		return domain.Video{}, fmt.Errorf("update video: %w", err)
	}
	return s.withMedia(ctx, v)
}

// Delete soft-deletes a live video of the caller's corporation.
func (s *Service) Delete(ctx context.Context, caller principal.Principal, id int64) error {
	if !caller.IsAdmin() {
		return domain.ErrAdminOnly
	}
	now := s.Clock.Now()
	err := s.UoW.Do(ctx, func(ctx context.Context) error {
		if err := s.Videos.SoftDelete(ctx, caller.CorporationID, id, now); err != nil {
			return err
		}
		return s.Publisher.Publish(ctx, videoevents.VideoDeleted{VideoID: id, CorporationID: caller.CorporationID, At: now})
	})
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
	now := s.Clock.Now()
	var v domain.Video
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		var err error
		if v, err = s.Videos.Restore(ctx, caller.CorporationID, id, now); err != nil {
			return err
		}
		return s.Publisher.Publish(ctx, videoevents.VideoRestored{VideoID: id, CorporationID: caller.CorporationID, At: now})
	})
	s.Live.Drop(id)
	if err != nil {
		return domain.Video{}, fmt.Errorf("restore video: %w", err)
	}
	return s.withMedia(ctx, v)
}
