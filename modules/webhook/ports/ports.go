// Package ports declares what the webhook module needs: its repository, the job queue,
// the sender of HTTP requests, the URL check, and from the video module (bound in
// app/wiring) the owner of a video.
package ports

import (
	"context"
	"time"

	"vms/modules/webhook/domain"
)

// Repository stores endpoints, the outbox of deliveries and their attempts. Methods that
// act for a corporation take its id and filter on it, so another corporation's endpoint
// or delivery comes back as domain.ErrNotFound.
type Repository interface {
	// CreateEndpoint inserts an endpoint with its subscriptions.
	CreateEndpoint(ctx context.Context, e domain.Endpoint) (domain.Endpoint, error)
	// GetEndpoint returns an endpoint of the corporation.
	GetEndpoint(ctx context.Context, corporationID, id int64) (domain.Endpoint, error)
	// ListEndpoints returns up to limit endpoints of the corporation with an id greater
	// than afterID, by id.
	ListEndpoints(ctx context.Context, corporationID, afterID int64, limit int) ([]domain.Endpoint, error)
	// UpdateEndpoint stores e's URL, description, events, enabled flag, disabled reason
	// and failing time on the corporation's endpoint e.ID.
	UpdateEndpoint(ctx context.Context, e domain.Endpoint) (domain.Endpoint, error)
	// DeleteEndpoint removes an endpoint of the corporation with its deliveries.
	DeleteEndpoint(ctx context.Context, corporationID, id int64) error
	// DisableEndpoints disables every enabled endpoint of the corporation with the reason.
	DisableEndpoints(ctx context.Context, corporationID int64, reason string, now time.Time) error

	// AddDeliveries writes the event to the outbox for every enabled endpoint of the
	// corporation subscribed to its type, in one statement, and returns the deliveries'
	// ids (none when nobody subscribes). The deliveries have no job yet: ClaimDeliveries
	// returns them.
	AddDeliveries(ctx context.Context, corporationID int64, e domain.Event) ([]int64, error)
	// ClaimDeliveries marks up to limit deliveries that have no job yet as enqueued at now
	// and returns their ids, oldest first. It runs in the unit of work that inserts their
	// jobs: two concurrent claims never return the same delivery, and a claim rolled back
	// leaves its deliveries to the next one.
	ClaimDeliveries(ctx context.Context, limit int, now time.Time) ([]int64, error)
	// AddDelivery writes the event to the outbox for one endpoint, subscribed or not,
	// already marked enqueued: the caller inserts its job in the same unit of work.
	AddDelivery(ctx context.Context, endpoint domain.Endpoint, e domain.Event) (domain.Delivery, error)
	// GetDelivery returns a delivery of the corporation's endpoint, with its attempts.
	GetDelivery(ctx context.Context, corporationID, endpointID, id int64) (domain.Delivery, error)
	// ListDeliveries returns up to limit deliveries of the corporation's endpoint with an
	// id below beforeID (0: no bound), newest first, each with its attempts.
	ListDeliveries(ctx context.Context, corporationID, endpointID, beforeID int64, limit int) ([]domain.Delivery, error)
	// Target returns a delivery with its endpoint, whatever the corporation (for the
	// worker); ok is false when either is gone.
	Target(ctx context.Context, deliveryID int64) (t domain.Target, ok bool, err error)
	// RecordAttempt stores an attempt and the delivery's state after it: status, next
	// attempt time (nil for none) and, for a success, the delivery time. Reads return
	// every attempt in the delivery's History, oldest first.
	RecordAttempt(ctx context.Context, deliveryID int64, a domain.Attempt, status string, next *time.Time) error
	// SetStatus sets a delivery's status and next attempt time without an attempt (a
	// retry asked for, or a delivery given up because its endpoint was disabled).
	SetStatus(ctx context.Context, deliveryID int64, status string, next *time.Time, now time.Time) error
	// SetHealth stores an endpoint's failing time and, when disable is true, disables it
	// with the reason.
	SetHealth(ctx context.Context, endpointID int64, failingSince *time.Time, disable bool, reason string, now time.Time) error
	// PruneDeliveries deletes finished deliveries created before the time and returns how
	// many.
	PruneDeliveries(ctx context.Context, before time.Time) (int64, error)
}

// Queue schedules deliveries in the background.
type Queue interface {
	// Enqueue inserts one delivery job per id inside the unit of work in ctx.
	Enqueue(ctx context.Context, deliveryIDs []int64) error
}

// Request is one signed POST of an event to an endpoint.
type Request struct {
	URL     string
	EventID string
	Body    []byte
	// Timestamp (Unix seconds) and Signature are the webhook-timestamp and
	// webhook-signature headers.
	Timestamp int64
	Signature string
}

// Sender posts events to endpoints over the network, behind the SSRF guard.
type Sender interface {
	Send(ctx context.Context, r Request) domain.Result
}

// URLCheck refuses, when an endpoint is created or changed, a URL whose host is or
// resolves to an address the policy does not allow (loopback, private, link-local,
// metadata…); its error is a validation error naming the field url.
type URLCheck interface {
	CheckURL(ctx context.Context, rawURL string) error
}

// Videos tells which corporation owns a video, deleted or not. The video module
// implements it.
type Videos interface {
	CorporationOf(ctx context.Context, videoID int64) (corporationID int64, ok bool, err error)
}

// UnitOfWork runs fn in one transaction (joining one already in ctx).
type UnitOfWork interface {
	Do(ctx context.Context, fn func(ctx context.Context) error) error
	// AfterCommit runs fn once the unit of work in ctx commits, never when it rolls back.
	AfterCommit(ctx context.Context, fn func())
}

// Waker wakes the outbox relay, which inserts the jobs of the deliveries written without
// one. Wake never blocks; wakes that come while the relay is busy or waiting merge into
// one.
type Waker interface {
	Wake()
}

// Clock tells the time.
type Clock interface {
	Now() time.Time
}
