package service

import (
	"context"
	"fmt"

	"vms/modules/corporation/corporationevents"
	"vms/modules/video/ports"
	"vms/platform/events"
)

// CorporationCleanup soft-deletes the videos of a deleted corporation. It handles
// CorporationDeleted inside the unit of work that deletes the corporation, so live videos
// always belong to live corporations and listing them needs no read of another module's
// table. It depends on the repository only, not on the Service, because the event bus
// that calls it is itself a dependency of the Service.
type CorporationCleanup struct {
	Videos ports.Videos
	Clock  ports.Clock
	Live   *LiveCache
}

// NewCorporationCleanup returns the CorporationDeleted handler.
func NewCorporationCleanup(videos ports.Videos, clock ports.Clock, live *LiveCache) events.Handler {
	c := &CorporationCleanup{Videos: videos, Clock: clock, Live: live}
	return events.HandlerFunc(c.Handle)
}

// Handle soft-deletes every live video of the deleted corporation.
func (c *CorporationCleanup) Handle(ctx context.Context, e corporationevents.CorporationDeleted) error {
	_, err := c.Videos.SoftDeleteByCorporation(ctx, e.CorporationID, c.Clock.Now())
	c.Live.DropCorporation(e.CorporationID)
	if err != nil {
		return fmt.Errorf("delete videos of corporation %d: %w", e.CorporationID, err)
	}
	return nil
}

// VideoCorporations tells which corporation owns a video, for other modules' events that
// name a video by id (the media module's). Like CorporationCleanup it depends on the
// repository only, so an event handler may use it.
type VideoCorporations struct{ Videos ports.Videos }

// CorporationOf returns the corporation of the video, deleted or not; ok is false when
// there is no such video.
func (o *VideoCorporations) CorporationOf(ctx context.Context, videoID int64) (int64, bool, error) {
	return o.Videos.CorporationOf(ctx, videoID)
}
