package service

import (
	"context"

	"vms/modules/video/domain"
	"vms/platform/principal"
)

// delivery names what a stream of video v sends to caller.
func delivery(k domain.DeliveryKind, caller principal.Principal, v domain.Video, path string, size int64) domain.Delivery {
	return domain.Delivery{Kind: k, CorporationID: v.CorporationID, UserID: caller.UserID, VideoID: v.ID, Path: path, Size: size}
}

// Delivered reports what a stream response actually wrote (usage metering and watch
// analytics). It never blocks on I/O: the receiver accumulates in memory. A response that
// wrote nothing reports nothing.
func (s *Service) Delivered(ctx context.Context, d domain.Delivery, w domain.Written) {
	if s.Deliveries == nil || w.Bytes == 0 || d.VideoID == 0 {
		return
	}
	d.Bytes, d.Ranges = w.Bytes, w.Ranges
	s.Deliveries.Delivered(ctx, d)
}
