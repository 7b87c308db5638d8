package service

import (
	"context"

	"vms/platform/principal"
)

// Owners tells other modules (bound in app/wiring) which corporation owns a video.
type Owners struct{ s *Service }

// Owners returns the service's Owners.
func (s *Service) Owners() Owners { return Owners{s: s} }

// Owner returns the corporation of a live video the caller sees (a public one, or any of
// the caller's corporation); anything else is not found.
func (o Owners) Owner(ctx context.Context, caller principal.Principal, id int64) (int64, error) {
	v, err := o.s.liveVideo(ctx, viewer(caller), id)
	return v.CorporationID, err
}
