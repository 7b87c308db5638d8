package service

import (
	"context"
	"fmt"

	"vms/modules/analytics/domain"
	"vms/modules/analytics/ports"
	"vms/platform/kind"
	"vms/platform/principal"
)

// Reports answers the analytics of videos. It is apart from Service because it needs the
// video module, which itself reports to Service what streams served.
type Reports struct {
	Repo   ports.Repository
	Videos ports.Videos
}

// Report answers a video's watch analytics to an admin of the corporation that owns it.
// A guest is refused before any lookup; another corporation's video, public or not, is
// not found. The figures are those flushed so far (at most one flush interval behind on
// each replica).
func (r *Reports) Report(ctx context.Context, caller principal.Principal, videoID int64) (domain.Report, error) {
	if !caller.IsAdmin() {
		return domain.Report{}, domain.ErrAdminOnly
	}
	owner, err := r.Videos.Owner(ctx, caller, videoID)
	if kind.Of(err) == kind.NotFound || (err == nil && owner != caller.CorporationID) {
		return domain.Report{}, domain.ErrNotFound
	}
	if err != nil {
		return domain.Report{}, fmt.Errorf("find video: %w", err)
	}
	var t domain.Tally
	if err := r.Repo.Each(ctx, videoID, func(w domain.Watch) error { t.Add(w); return nil }); err != nil {
		return domain.Report{}, fmt.Errorf("read watches: %w", err)
	}
	return t.Report(), nil
}
