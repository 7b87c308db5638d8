package service

import (
	"context"
	"fmt"
	"time"

	"vms/modules/webhook/domain"
	"vms/modules/webhook/ports"
)

// Try is one run of a delivery's job.
type Try struct {
	// Last is true when no attempt follows if this one fails.
	Last bool
	// Next is when the next attempt runs if this one fails (River's retry time).
	Next time.Time
}

// Outcome is what Deliver did, for the metrics.
type Outcome struct {
	// Sent is false when nothing was sent: the delivery was gone, finished, or given up.
	Sent      bool
	OK        bool
	EventType string
	Duration  time.Duration
	// Disabled is true when this failure disabled the endpoint.
	Disabled bool
}

// Deliver makes one attempt of a delivery: it signs the stored body with the endpoint's
// secret and the current time, posts it, and records the attempt with the delivery's new
// state and the endpoint's health, in one unit of work. It returns an error when the
// attempt failed and another one follows (the job is retried at try.Next) or when it was
// the last; nil when the delivery succeeded or there is nothing to do: it is gone (its
// endpoint was deleted), already finished (a duplicate job), or its endpoint is disabled
// (the delivery is then given up, failed).
func (s *Service) Deliver(ctx context.Context, deliveryID int64, try Try) (Outcome, error) {
	t, ok, err := s.Repo.Target(ctx, deliveryID)
	if err != nil {
		return Outcome{}, fmt.Errorf("read delivery %d: %w", deliveryID, err)
	}
	if !ok || t.Delivery.Status != domain.Pending {
		return Outcome{}, nil
	}
	d, e := t.Delivery, t.Endpoint
	if !e.Enabled && d.EventType != domain.TestEvent {
		now := s.Clock.Now()
		if err := s.Repo.SetStatus(ctx, d.ID, domain.Failed, nil, now); err != nil {
			return Outcome{}, fmt.Errorf("give up delivery %d: %w", d.ID, err)
		}
		return Outcome{EventType: d.EventType}, nil
	}
	now := s.Clock.Now()
	sig, err := domain.Sign(e.Secret, d.EventID, now.Unix(), d.Body)
	if err != nil {
		return Outcome{}, fmt.Errorf("sign delivery %d: %w", d.ID, err)
	}
	res := s.Sender.Send(ctx, ports.Request{URL: e.URL, EventID: d.EventID, Body: d.Body, Timestamp: now.Unix(), Signature: sig})
	out := Outcome{Sent: true, OK: res.OK(), EventType: d.EventType, Duration: res.Duration}
	at := s.Clock.Now()
	a := domain.Attempt{Number: d.Attempts + 1, StatusCode: res.StatusCode, Duration: res.Duration, Error: res.Error(), At: at}
	health := domain.AfterAttempt(e, out.OK, a.Error, at)
	status, next := domain.Succeeded, (*time.Time)(nil)
	if !out.OK {
		status = domain.Failed
		if !try.Last && !health.Disable {
			status, next = domain.Pending, &try.Next
		}
	}
	// Recorded even when the job's context has just ended (a timeout of the attempt). The
	// endpoint's row is written only when its health changes: a success of a healthy
	// endpoint costs one statement.
	record := func(ctx context.Context) error { return s.Repo.RecordAttempt(ctx, d.ID, a, status, next) }
	if health.Changed && d.EventType != domain.TestEvent {
		err = s.UoW.Do(context.WithoutCancel(ctx), func(ctx context.Context) error {
			if err := record(ctx); err != nil {
				return err
			}
			return s.Repo.SetHealth(ctx, e.ID, health.FailingSince, health.Disable, health.Reason, at)
		})
	} else {
		err = record(context.WithoutCancel(ctx))
	}
	if err != nil {
		return out, fmt.Errorf("record attempt %d of delivery %d: %w", a.Number, d.ID, err)
	}
	out.Disabled = health.Disable
	if out.OK || health.Disable {
		return out, nil
	}
	return out, fmt.Errorf("webhook delivery %d (%s, event %s) attempt %d: %s", d.ID, d.EventType, d.EventID, a.Number, a.Error)
}

// Retention is how long finished deliveries stay in the deliveries list.
const Retention = 30 * 24 * time.Hour

// Prune deletes finished deliveries older than Retention and returns how many.
func (s *Service) Prune(ctx context.Context) (int64, error) {
	return s.Repo.PruneDeliveries(ctx, s.Clock.Now().Add(-Retention))
}
