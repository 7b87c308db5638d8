package service_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"vms/modules/user/userevents"
	"vms/modules/webhook/domain"
	"vms/modules/webhook/service"
	"vms/platform/kind"
)

// delivery publishes a user.created event to a new endpoint of A and returns both.
func (e *env) delivery(t *testing.T) (domain.Endpoint, domain.Delivery) {
	t.Helper()
	ep := e.endpoint(t, adminA, "https://hooks.acme.example/", "user.created")
	e.publish(t, userevents.UserCreated{UserID: 5, CorporationID: 100, Email: "x@acme.example", Role: "guest"})
	ds := e.deliveries(t, adminA, ep.ID)
	if len(ds) != 1 {
		t.Fatalf("%d deliveries", len(ds))
	}
	return ep, ds[0]
}

func (e *env) get(t *testing.T, ep domain.Endpoint, id int64) domain.Delivery {
	t.Helper()
	d, err := e.repo.GetDelivery(context.Background(), ep.CorporationID, ep.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// A successful attempt posts the stored body, signed with the endpoint's secret and the
// time of the attempt, and records the attempt.
func TestDeliverSignsAndRecords(t *testing.T) {
	e := newEnv()
	ep, d := e.delivery(t)
	e.clock.Advance(3 * time.Second)
	e.sender.Results = []domain.Result{{StatusCode: 204, Duration: 12 * time.Millisecond}}
	out, err := e.svc.Deliver(context.Background(), d.ID, service.Try{Next: t0.Add(time.Minute)})
	if err != nil || !out.Sent || !out.OK || out.EventType != "user.created" || out.Duration != 12*time.Millisecond {
		t.Fatalf("Deliver = %+v %v", out, err)
	}
	reqs := e.sender.Sent()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	if r.URL != ep.URL || r.EventID != d.EventID || string(r.Body) != string(d.Body) || r.Timestamp != t0.Add(3*time.Second).Unix() {
		t.Fatalf("request %+v", r)
	}
	if err := domain.Verify(ep.Secret, r.EventID, strconv.FormatInt(r.Timestamp, 10), r.Signature, r.Body, t0.Add(3*time.Second), time.Minute); err != nil {
		t.Fatalf("the signature does not verify: %v", err)
	}
	got := e.get(t, ep, d.ID)
	if got.Status != domain.Succeeded || got.Attempts != 1 || got.LastStatusCode != 204 || got.DeliveredAt == nil || got.NextAttemptAt != nil ||
		len(got.History) != 1 || got.History[0].Number != 1 || got.History[0].Duration != 12*time.Millisecond {
		t.Fatalf("after success %+v", got)
	}
	// A duplicate job of a finished delivery sends nothing.
	if out, err := e.svc.Deliver(context.Background(), d.ID, service.Try{}); err != nil || out.Sent || len(e.sender.Sent()) != 1 {
		t.Fatalf("duplicate: %+v %v", out, err)
	}
	// A delivery that is gone (its endpoint deleted) is done.
	if out, err := e.svc.Deliver(context.Background(), 9999, service.Try{}); err != nil || out.Sent {
		t.Fatalf("gone: %+v %v", out, err)
	}
}

// A failed attempt is recorded with the next attempt's time and returned as an error, so
// the job is retried; the last one leaves the delivery failed.
func TestDeliverFailuresRetryUntilTheLast(t *testing.T) {
	e := newEnv()
	ep, d := e.delivery(t)
	ctx := context.Background()
	e.sender.Results = []domain.Result{{StatusCode: 503, Excerpt: "busy"}, {Err: errors.New("connection refused")}}
	next := t0.Add(10 * time.Second)
	out, err := e.svc.Deliver(ctx, d.ID, service.Try{Next: next})
	if err == nil || !out.Sent || out.OK {
		t.Fatalf("first failure: %+v %v", out, err)
	}
	got := e.get(t, ep, d.ID)
	if got.Status != domain.Pending || got.Attempts != 1 || got.LastStatusCode != 503 || got.LastError != "HTTP 503: busy" || got.NextAttemptAt == nil || !got.NextAttemptAt.Equal(next) {
		t.Fatalf("after a failure %+v", got)
	}
	if ep, _ := e.repo.GetEndpoint(ctx, 100, ep.ID); ep.FailingSince == nil || !ep.FailingSince.Equal(t0) {
		t.Fatalf("endpoint failing since %v, want %s", ep.FailingSince, t0)
	}
	e.clock.Advance(10 * time.Second)
	if _, err := e.svc.Deliver(ctx, d.ID, service.Try{Last: true}); err == nil {
		t.Fatal("the last failure returned no error")
	}
	got = e.get(t, ep, d.ID)
	if got.Status != domain.Failed || got.Attempts != 2 || got.LastStatusCode != 0 || got.LastError != "connection refused" || got.NextAttemptAt != nil || len(got.History) != 2 {
		t.Fatalf("after the last failure %+v", got)
	}
	// The endpoint failed for 10 s only: still enabled.
	if ep, _ := e.repo.GetEndpoint(ctx, 100, ep.ID); !ep.Enabled {
		t.Fatal("disabled too early")
	}
}

// An endpoint whose deliveries fail for a day is disabled and says why; its pending
// deliveries are then given up without being sent, except test events; a success in
// between starts the day again.
func TestEndpointFailingForADayIsDisabled(t *testing.T) {
	e := newEnv()
	ep, d := e.delivery(t)
	ctx := context.Background()
	e.sender.Results = []domain.Result{{StatusCode: 500}}
	if _, err := e.svc.Deliver(ctx, d.ID, service.Try{Next: t0.Add(time.Hour)}); err == nil {
		t.Fatal("no error")
	}
	e.clock.Advance(23 * time.Hour)
	e.sender.Results = []domain.Result{{StatusCode: 200}}
	e.publish(t, userevents.UserCreated{UserID: 6, CorporationID: 100})
	second := e.deliveries(t, adminA, ep.ID)[0]
	if _, err := e.svc.Deliver(ctx, second.ID, service.Try{}); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.repo.GetEndpoint(ctx, 100, ep.ID); got.FailingSince != nil {
		t.Fatalf("a success kept failing_since %v", got.FailingSince)
	}
	// From now on every attempt fails, for a whole day.
	e.sender.Results = []domain.Result{{StatusCode: 500, Excerpt: "down"}}
	start := e.clock.Now()
	if _, err := e.svc.Deliver(ctx, d.ID, service.Try{Next: start.Add(time.Hour)}); err == nil {
		t.Fatal("no error")
	}
	e.clock.Advance(domain.DisableAfter - time.Second)
	if _, err := e.svc.Deliver(ctx, d.ID, service.Try{Next: e.clock.Now().Add(time.Hour)}); err == nil {
		t.Fatal("no error")
	}
	if got, _ := e.repo.GetEndpoint(ctx, 100, ep.ID); !got.Enabled {
		t.Fatal("disabled before a day of failures")
	}
	e.clock.Advance(time.Second)
	out, err := e.svc.Deliver(ctx, d.ID, service.Try{Next: e.clock.Now().Add(time.Hour)})
	if err != nil || !out.Disabled {
		t.Fatalf("the attempt a day after the first failure: %+v %v, want the endpoint disabled and no retry", out, err)
	}
	got, _ := e.repo.GetEndpoint(ctx, 100, ep.ID)
	if got.Enabled || got.DisabledReason == "" || got.FailingSince == nil || !got.FailingSince.Equal(start) {
		t.Fatalf("endpoint %+v, want disabled with a reason", got)
	}
	if dd := e.get(t, ep, d.ID); dd.Status != domain.Failed || dd.NextAttemptAt != nil {
		t.Fatalf("the delivery that disabled it: %+v", dd)
	}
	// Deliveries pending on a disabled endpoint are given up unsent...
	e.publish(t, userevents.UserCreated{UserID: 7, CorporationID: 100}) // not written: disabled endpoints get nothing
	sent := len(e.sender.Sent())
	if err := e.repo.SetStatus(ctx, second.ID, domain.Pending, nil, e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	if out, err := e.svc.Deliver(ctx, second.ID, service.Try{}); err != nil || out.Sent || len(e.sender.Sent()) != sent {
		t.Fatalf("pending delivery of a disabled endpoint: %+v %v", out, err)
	}
	if dd := e.get(t, ep, second.ID); dd.Status != domain.Failed {
		t.Fatalf("given up delivery %+v", dd)
	}
	// ...but a test event is sent, and does not change the endpoint.
	td, err := e.svc.Test(ctx, adminA, ep.ID)
	if err != nil {
		t.Fatal(err)
	}
	e.sender.Results = []domain.Result{{StatusCode: 200}}
	if out, err := e.svc.Deliver(ctx, td.ID, service.Try{}); err != nil || !out.OK {
		t.Fatalf("test event to a disabled endpoint: %+v %v", out, err)
	}
	if got, _ := e.repo.GetEndpoint(ctx, 100, ep.ID); got.Enabled || got.FailingSince == nil {
		t.Fatalf("a test event changed the endpoint: %+v", got)
	}
	// Retrying needs the endpoint enabled.
	if _, err := e.svc.Retry(ctx, adminA, ep.ID, d.ID); !errors.Is(err, domain.ErrEndpointDisabled) || kind.Of(err) != kind.Conflict {
		t.Fatalf("retry on a disabled endpoint: %v", err)
	}
}

func TestTestAndRetry(t *testing.T) {
	e := newEnv()
	ep, d := e.delivery(t)
	ctx := context.Background()
	td, err := e.svc.Test(ctx, adminA, ep.ID)
	if err != nil || td.EventType != domain.TestEvent || td.Status != domain.Pending || td.EndpointID != ep.ID {
		t.Fatalf("test: %+v %v", td, err)
	}
	if typ, _, data := body(t, td); typ != "webhook.test" || data["webhook_id"] != float64(ep.ID) {
		t.Fatalf("test body %s", td.Body)
	}
	if q := e.queue.Enqueued(); q[len(q)-1] != td.ID {
		t.Fatalf("queue %v, want the test delivery last", q)
	}
	if _, err := e.svc.Retry(ctx, adminA, ep.ID, d.ID); !errors.Is(err, domain.ErrDeliveryPending) {
		t.Fatalf("retry of a pending delivery: %v", err)
	}
	e.sender.Results = []domain.Result{{StatusCode: 410}}
	if _, err := e.svc.Deliver(ctx, d.ID, service.Try{Last: true}); err == nil {
		t.Fatal("no error")
	}
	e.clock.Advance(time.Minute)
	r, err := e.svc.Retry(ctx, adminA, ep.ID, d.ID)
	if err != nil || r.Status != domain.Pending || r.NextAttemptAt == nil || !r.NextAttemptAt.Equal(t0.Add(time.Minute)) || r.EventID != d.EventID {
		t.Fatalf("retry: %+v %v", r, err)
	}
	if q := e.queue.Enqueued(); q[len(q)-1] != d.ID {
		t.Fatalf("queue %v, want the retried delivery last", q)
	}
	e.sender.Results = []domain.Result{{StatusCode: 200}}
	if _, err := e.svc.Deliver(ctx, d.ID, service.Try{}); err != nil {
		t.Fatal(err)
	}
	if got := e.get(t, ep, d.ID); got.Status != domain.Succeeded || got.Attempts != 2 {
		t.Fatalf("after the retry %+v, want succeeded at attempt 2", got)
	}
	if _, err := e.svc.Retry(ctx, adminA, ep.ID, 9999); !errors.Is(err, domain.ErrDeliveryNotFound) {
		t.Fatalf("unknown delivery: %v", err)
	}
	if _, err := e.svc.Retry(ctx, adminB, ep.ID, d.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("another corporation: %v", err)
	}
}

func TestPruneKeepsPendingAndRecent(t *testing.T) {
	e := newEnv()
	ep, d := e.delivery(t)
	ctx := context.Background()
	e.publish(t, userevents.UserCreated{UserID: 6, CorporationID: 100})
	if _, err := e.svc.Deliver(ctx, d.ID, service.Try{}); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(service.Retention + time.Hour)
	n, err := e.svc.Prune(ctx)
	if err != nil || n != 1 {
		t.Fatalf("pruned %d %v, want the finished one", n, err)
	}
	if ds := e.deliveries(t, adminA, ep.ID); len(ds) != 1 || ds[0].Status != domain.Pending {
		t.Fatalf("left %+v, want the pending one", ds)
	}
}
