package service

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"vms/modules/corporation/corporationevents"
	"vms/modules/media/mediaevents"
	"vms/modules/user/userevents"
	"vms/modules/video/videoevents"
	"vms/modules/webhook/domain"
	"vms/modules/webhook/payload"
	"vms/modules/webhook/ports"
	"vms/platform/events"
)

// Outbox turns the other modules' domain events into webhook events. Its handlers run in
// the unit of work of the change: each writes the event to the outbox, one delivery per
// subscribed endpoint, so a change that rolls back sends nothing and one that commits is
// delivered even when the process dies right after the commit. The deliveries' jobs are
// inserted by the relay (Service.Relay), woken once the change commits. It depends on the
// repository, the unit of work, the relay's wake-up and the video owners only, never on
// the event bus.
type Outbox struct {
	repo   ports.Repository
	uow    ports.UnitOfWork
	relay  ports.Waker
	videos ports.Videos
	clock  ports.Clock
}

// NewOutbox builds the outbox writer over the deps' Repo, UoW, Relay, Videos and Clock.
func NewOutbox(d Deps) *Outbox {
	return &Outbox{repo: d.Repo, uow: d.UoW, relay: d.Relay, videos: d.Videos, clock: d.Clock}
}

// Handlers returns the event handlers that write webhook events, and the one that
// disables a deleted corporation's endpoints.
func (o *Outbox) Handlers() []events.Handler {
	return []events.Handler{
		events.HandlerFunc(o.videoCreated),
		events.HandlerFunc(o.mediaReady),
		events.HandlerFunc(o.mediaFailed),
		events.HandlerFunc(o.videoDeleted),
		events.HandlerFunc(o.videoRestored),
		events.HandlerFunc(o.videoViewed),
		events.HandlerFunc(o.userCreated),
		events.HandlerFunc(o.userDeleted),
		events.HandlerFunc(o.planChanged),
		events.HandlerFunc(o.corporationDeleted),
	}
}

// record writes an event of the corporation to the outbox, for every enabled endpoint
// subscribed to its type, and wakes the relay once the change commits. It costs the
// change's transaction one statement, which writes nothing without a subscriber.
func (o *Outbox) record(ctx context.Context, corporationID int64, ev domain.Event) error {
	ids, err := o.repo.AddDeliveries(ctx, corporationID, ev)
	if err != nil {
		return fmt.Errorf("webhook outbox: %w", err)
	}
	if len(ids) > 0 {
		o.uow.AfterCommit(ctx, o.relay.Wake)
	}
	return nil
}

// event builds an event of the type at the time (now when zero) with the body.
func (o *Outbox) event(typ string, at time.Time, body func(ts time.Time) any) (domain.Event, error) {
	if at.IsZero() {
		at = o.clock.Now()
	}
	at = at.UTC()
	b, err := json.Marshal(body(at))
	if err != nil {
		return domain.Event{}, fmt.Errorf("encode %s event: %w", typ, err)
	}
	return domain.Event{ID: domain.NewEventID(), Type: typ, At: at, Body: b}, nil
}

func (o *Outbox) write(ctx context.Context, corporationID int64, typ string, at time.Time, body func(ts time.Time) any) error {
	ev, err := o.event(typ, at, body)
	if err != nil {
		return err
	}
	return o.record(ctx, corporationID, ev)
}

func (o *Outbox) testEvent(e domain.Endpoint) (domain.Event, error) {
	return o.event(domain.TestEvent, time.Time{}, func(ts time.Time) any {
		return payload.WebhookTest{Type: domain.TestEvent, Timestamp: ts, Data: payload.WebhookTestData{
			WebhookID: e.ID, CorporationID: e.CorporationID, Message: "This is a test event from vms.",
		}}
	})
}

func (o *Outbox) videoCreated(ctx context.Context, e videoevents.VideoCreated) error {
	return o.write(ctx, e.CorporationID, domain.VideoCreated, e.At, func(ts time.Time) any {
		return payload.VideoCreated{Type: domain.VideoCreated, Timestamp: ts, Data: payload.VideoCreatedData{
			VideoID: e.VideoID, CorporationID: e.CorporationID, Name: e.Name, Visibility: e.Visibility, SourceKind: e.SourceKind,
		}}
	})
}

// owner is the corporation of a video named by a media event; a video that is gone
// (ok false) has nobody to tell.
func (o *Outbox) owner(ctx context.Context, videoID int64) (int64, bool, error) {
	corp, ok, err := o.videos.CorporationOf(ctx, videoID)
	if err != nil {
		return 0, false, fmt.Errorf("webhook outbox: owner of video %d: %w", videoID, err)
	}
	return corp, ok, nil
}

func (o *Outbox) mediaReady(ctx context.Context, e mediaevents.MediaReady) error {
	corp, ok, err := o.owner(ctx, e.VideoID)
	if err != nil || !ok {
		return err
	}
	return o.write(ctx, corp, domain.VideoReady, e.At, func(ts time.Time) any {
		d := payload.VideoReadyData{VideoID: e.VideoID, CorporationID: corp}
		if e.DurationSeconds > 0 {
			d.DurationSeconds = &e.DurationSeconds
		}
		if e.Width > 0 && e.Height > 0 {
			d.Width, d.Height = &e.Width, &e.Height
		}
		return payload.VideoReady{Type: domain.VideoReady, Timestamp: ts, Data: d}
	})
}

func (o *Outbox) mediaFailed(ctx context.Context, e mediaevents.MediaFailed) error {
	corp, ok, err := o.owner(ctx, e.VideoID)
	if err != nil || !ok {
		return err
	}
	return o.write(ctx, corp, domain.VideoFailed, e.At, func(ts time.Time) any {
		return payload.VideoFailed{Type: domain.VideoFailed, Timestamp: ts, Data: payload.VideoFailedData{
			VideoID: e.VideoID, CorporationID: corp, Error: e.Error,
		}}
	})
}

func (o *Outbox) videoDeleted(ctx context.Context, e videoevents.VideoDeleted) error {
	return o.write(ctx, e.CorporationID, domain.VideoDeleted, e.At, func(ts time.Time) any {
		return payload.VideoDeleted{Type: domain.VideoDeleted, Timestamp: ts, Data: payload.VideoRef{VideoID: e.VideoID, CorporationID: e.CorporationID}}
	})
}

func (o *Outbox) videoRestored(ctx context.Context, e videoevents.VideoRestored) error {
	return o.write(ctx, e.CorporationID, domain.VideoRestored, e.At, func(ts time.Time) any {
		return payload.VideoRestored{Type: domain.VideoRestored, Timestamp: ts, Data: payload.VideoRef{VideoID: e.VideoID, CorporationID: e.CorporationID}}
	})
}

// videoViewed runs in every first-view transaction: one INSERT … SELECT that writes
// nothing without a subscriber.
func (o *Outbox) videoViewed(ctx context.Context, e videoevents.VideoViewed) error {
	corp := e.UserCorporationID
	if corp == 0 {
		corp = e.CorporationID
	}
	return o.write(ctx, corp, domain.ViewFirst, e.At, func(ts time.Time) any {
		return payload.ViewFirst{Type: domain.ViewFirst, Timestamp: ts, Data: payload.ViewFirstData{
			UserID: e.UserID, CorporationID: corp, VideoID: e.VideoID, VideoCorporationID: e.CorporationID, Points: e.Points,
		}}
	})
}

func (o *Outbox) userCreated(ctx context.Context, e userevents.UserCreated) error {
	return o.write(ctx, e.CorporationID, domain.UserCreated, e.At, func(ts time.Time) any {
		return payload.UserCreated{Type: domain.UserCreated, Timestamp: ts, Data: payload.UserCreatedData{
			UserID: e.UserID, CorporationID: e.CorporationID, Email: e.Email, Role: e.Role,
		}}
	})
}

func (o *Outbox) userDeleted(ctx context.Context, e userevents.UserDeleted) error {
	return o.write(ctx, e.CorporationID, domain.UserDeleted, e.At, func(ts time.Time) any {
		return payload.UserDeleted{Type: domain.UserDeleted, Timestamp: ts, Data: payload.UserRef{UserID: e.UserID, CorporationID: e.CorporationID}}
	})
}

func (o *Outbox) planChanged(ctx context.Context, e corporationevents.PlanChanged) error {
	return o.write(ctx, e.CorporationID, domain.CorporationPlanChanged, e.At, func(ts time.Time) any {
		return payload.PlanChanged{Type: domain.CorporationPlanChanged, Timestamp: ts, Data: payload.PlanChangedData{
			CorporationID: e.CorporationID, PlanType: e.PlanType, PlanExpiredAt: utc(e.PlanExpiredAt), EffectivePlan: e.EffectivePlan,
			PreviousPlanType: e.PreviousPlanType, PreviousPlanExpiredAt: utc(e.PreviousPlanExpiredAt), Reason: e.Reason,
		}}
	})
}

// corporationDeleted disables the deleted corporation's endpoints: nobody can manage
// them any more, and their pending deliveries are given up.
func (o *Outbox) corporationDeleted(ctx context.Context, e corporationevents.CorporationDeleted) error {
	if err := o.repo.DisableEndpoints(ctx, e.CorporationID, "the corporation was deleted", o.clock.Now()); err != nil {
		return fmt.Errorf("disable webhooks of corporation %d: %w", e.CorporationID, err)
	}
	return nil
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
