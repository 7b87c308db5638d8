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

// CreateFromURL registers an http(s) source URL as a video of the caller's corporation,
// private unless visibility is "public".
func (s *Service) CreateFromURL(ctx context.Context, caller principal.Principal, name, sourceURL, visibility string) (domain.Video, error) {
	if !caller.IsAdmin() {
		return domain.Video{}, domain.ErrAdminOnly
	}
	fields := map[string]string{}
	clean, err := domain.NormalizeName(name)
	if err != nil {
		fields["name"] = err.(*kind.ValidationError).Fields["name"]
	}
	src := strings.TrimSpace(sourceURL)
	if src == "" {
		fields["file_path"] = "is required"
	} else if err := s.Sources.Validate(src); err != nil {
		fields["file_path"] = err.Error()
	}
	vis, err := domain.ParseNewVisibility(visibility)
	if err != nil {
		fields["visibility"] = err.(*kind.ValidationError).Fields["visibility"]
	}
	if len(fields) > 0 {
		return domain.Video{}, domain.InvalidFields(fields)
	}
	var v domain.Video
	err = s.UoW.Do(ctx, func(ctx context.Context) error {
		var err error
		v, err = s.Videos.Create(ctx, domain.Video{
			Name: clean, CorporationID: caller.CorporationID, Visibility: vis, SourceKind: domain.SourceURL, SourceURL: src,
		})
		if err != nil {
			return fmt.Errorf("create video: %w", err)
		}
		return s.Publisher.Publish(ctx, created(v))
	})
	if err != nil {
		return domain.Video{}, err
	}
	return s.withMedia(ctx, v)
}

// created is the VideoCreated event of a new video.
func created(v domain.Video) videoevents.VideoCreated {
	return videoevents.VideoCreated{
		VideoID: v.ID, CorporationID: v.CorporationID, Name: v.Name, Visibility: string(v.Visibility),
		SourceKind: string(v.SourceKind), At: v.CreatedAt,
	}
}
