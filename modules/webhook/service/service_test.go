package service_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"vms/modules/corporation/corporationevents"
	"vms/modules/media/mediaevents"
	"vms/modules/user/userevents"
	"vms/modules/video/videoevents"
	"vms/modules/webhook/domain"
	"vms/modules/webhook/fake"
	"vms/modules/webhook/service"
	"vms/platform/clock"
	"vms/platform/database/uowtest"
	"vms/platform/events"
	"vms/platform/kind"
	"vms/platform/principal"
)

var (
	t0     = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	adminA = principal.Principal{UserID: 1, CorporationID: 100, Role: principal.RoleAdmin}
	guestA = principal.Principal{UserID: 2, CorporationID: 100, Role: principal.RoleGuest}
	adminB = principal.Principal{UserID: 3, CorporationID: 200, Role: principal.RoleAdmin}
)

type env struct {
	svc    *service.Service
	repo   *fake.Repository
	queue  *fake.Queue
	waker  *fake.Waker
	sender *fake.Sender
	clock  *clock.Fake
	uow    *uowtest.UnitOfWork
	bus    *events.Bus
}

func newEnv() *env {
	e := &env{repo: fake.NewRepository(), queue: &fake.Queue{}, waker: &fake.Waker{}, sender: &fake.Sender{}, clock: clock.NewFake(t0)}
	e.uow = &uowtest.UnitOfWork{Stores: []uowtest.Snapshotter{e.repo}}
	d := service.Deps{
		Repo: e.repo, Queue: e.queue, Sender: e.sender, URLs: fake.URLCheck{Internal: []string{"127.0.0.1", "169.254.169.254", "localhost"}},
		Videos: fake.Videos{7: 100, 8: 200}, UoW: e.uow, Clock: e.clock, Relay: e.waker,
	}
	e.svc = service.New(d)
	e.bus = events.NewBus(service.NewOutbox(d).Handlers())
	return e
}

func sp(s string) *string { return &s }
func bp(b bool) *bool     { return &b }

func (e *env) endpoint(t *testing.T, caller principal.Principal, url string, evs ...string) domain.Endpoint {
	t.Helper()
	ep, err := e.svc.Create(context.Background(), caller, service.EndpointInput{URL: sp(url), Events: evs})
	if err != nil {
		t.Fatal(err)
	}
	return ep
}

// publish publishes an event in a unit of work, as the modules do.
func (e *env) publish(t *testing.T, ev events.Event) {
	t.Helper()
	if err := e.uow.Do(context.Background(), func(ctx context.Context) error { return e.bus.Publish(ctx, ev) }); err != nil {
		t.Fatal(err)
	}
}

func fields(err error) map[string]string {
	var ve *kind.ValidationError
	if errors.As(err, &ve) {
		return ve.Fields
	}
	return nil
}

func TestCreateEndpoint(t *testing.T) {
	e := newEnv()
	ctx := context.Background()
	ep, err := e.svc.Create(ctx, adminA, service.EndpointInput{
		URL: sp(" https://hooks.acme.example/vms "), Events: []string{"view.first", "video.created"}, Description: sp("  LMS "),
	})
	if err != nil {
		t.Fatal(err)
	}
	if ep.ID == 0 || ep.CorporationID != 100 || ep.URL != "https://hooks.acme.example/vms" || !ep.Enabled || ep.Description != "LMS" ||
		strings.Join(ep.Events, ",") != "video.created,view.first" || !strings.HasPrefix(ep.Secret, "whsec_") || !ep.CreatedAt.Equal(t0) {
		t.Fatalf("created %+v", ep)
	}
	off, err := e.svc.Create(ctx, adminA, service.EndpointInput{URL: sp("https://hooks.acme.example/2"), Events: []string{"user.created"}, Enabled: bp(false)})
	if err != nil || off.Enabled || off.Secret == ep.Secret {
		t.Fatalf("disabled at creation: %+v %v", off, err)
	}
	if _, err := e.svc.Create(ctx, guestA, service.EndpointInput{URL: sp("https://hooks.acme.example/"), Events: []string{"view.first"}}); !errors.Is(err, domain.ErrForbidden) {
		t.Fatalf("guest: %v", err)
	}
	if f := fields(mustFail(e.svc.Create(ctx, adminA, service.EndpointInput{}))); f["url"] == "" || f["events"] == "" {
		t.Fatalf("missing fields: %v", f)
	}
	for name, in := range map[string]service.EndpointInput{
		"url":         {URL: sp("ftp://hooks.acme.example/"), Events: []string{"view.first"}},
		"credentials": {URL: sp("https://u:p@hooks.acme.example/"), Events: []string{"view.first"}},
		"loopback":    {URL: sp("http://127.0.0.1:9000/"), Events: []string{"view.first"}},
		"metadata":    {URL: sp("http://169.254.169.254/latest/meta-data"), Events: []string{"view.first"}},
		"name inside": {URL: sp("http://localhost:9000/"), Events: []string{"view.first"}},
		"events":      {URL: sp("https://hooks.acme.example/"), Events: []string{"video.exploded"}},
		"no events":   {URL: sp("https://hooks.acme.example/"), Events: []string{}},
		"description": {URL: sp("https://hooks.acme.example/"), Events: []string{"view.first"}, Description: sp(strings.Repeat("x", 501))},
	} {
		_, err := e.svc.Create(ctx, adminA, in)
		if kind.Of(err) != kind.Invalid || len(fields(err)) != 1 {
			t.Errorf("%s: %v, want one invalid field", name, err)
		}
	}
	if list, _ := e.svc.List(ctx, adminA, 0, 10); len(list) != 2 {
		t.Fatalf("refused creations stored endpoints: %d", len(list))
	}
}

func mustFail[T any](_ T, err error) error { return err }

// Another corporation's endpoint is not found by any use case.
func TestEndpointsAreTenantScoped(t *testing.T) {
	e := newEnv()
	ctx := context.Background()
	ep := e.endpoint(t, adminA, "https://hooks.acme.example/", "view.first")
	if _, err := e.svc.Get(ctx, adminB, ep.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("get: %v", err)
	}
	if _, err := e.svc.Update(ctx, adminB, ep.ID, service.EndpointInput{Enabled: bp(false)}); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("update: %v", err)
	}
	if err := e.svc.Delete(ctx, adminB, ep.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("delete: %v", err)
	}
	if _, err := e.svc.Test(ctx, adminB, ep.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("test: %v", err)
	}
	if _, err := e.svc.Deliveries(ctx, adminB, ep.ID, 0, 10); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("deliveries: %v", err)
	}
	if list, err := e.svc.List(ctx, adminB, 0, 10); err != nil || len(list) != 0 {
		t.Fatalf("list: %v %v", list, err)
	}
	for _, call := range []func() error{
		func() error { _, err := e.svc.Get(ctx, guestA, ep.ID); return err },
		func() error { _, err := e.svc.List(ctx, guestA, 0, 10); return err },
		func() error { return e.svc.Delete(ctx, guestA, ep.ID) },
		func() error { _, err := e.svc.Deliveries(ctx, guestA, ep.ID, 0, 10); return err },
		func() error { _, err := e.svc.Retry(ctx, guestA, ep.ID, 1); return err },
		func() error { _, err := e.svc.Test(ctx, principal.Principal{}, ep.ID); return err },
	} {
		if err := call(); !errors.Is(err, domain.ErrForbidden) {
			t.Fatalf("a guest or nobody: %v", err)
		}
	}
}

func TestUpdateEndpoint(t *testing.T) {
	e := newEnv()
	ctx := context.Background()
	ep := e.endpoint(t, adminA, "https://hooks.acme.example/", "view.first")
	if _, err := e.svc.Update(ctx, adminA, ep.ID, service.EndpointInput{}); kind.Of(err) != kind.Invalid {
		t.Fatalf("no change: %v", err)
	}
	if _, err := e.svc.Update(ctx, adminA, ep.ID, service.EndpointInput{URL: sp("http://127.0.0.1/")}); kind.Of(err) != kind.Invalid {
		t.Fatalf("internal url: %v", err)
	}
	// The server disabled it; an admin enabling it starts afresh.
	failing := t0.Add(-25 * time.Hour)
	if err := e.repo.SetHealth(ctx, ep.ID, &failing, true, "failed for a day", t0); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	got, err := e.svc.Update(ctx, adminA, ep.ID, service.EndpointInput{Enabled: bp(true), Events: []string{"user.created", "user.deleted"}, Description: sp("users")})
	if err != nil || !got.Enabled || got.DisabledReason != "" || got.FailingSince != nil || strings.Join(got.Events, ",") != "user.created,user.deleted" ||
		got.Description != "users" || got.URL != ep.URL || got.Secret != ep.Secret || !got.UpdatedAt.Equal(t0.Add(time.Minute)) {
		t.Fatalf("enabled again: %+v %v", got, err)
	}
	if err := e.svc.Delete(ctx, adminA, ep.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Get(ctx, adminA, ep.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}

// body decodes a delivery's body.
func body(t *testing.T, d domain.Delivery) (typ string, ts time.Time, data map[string]any) {
	t.Helper()
	var b struct {
		Type      string         `json:"type"`
		Timestamp time.Time      `json:"timestamp"`
		Data      map[string]any `json:"data"`
	}
	if err := json.Unmarshal(d.Body, &b); err != nil {
		t.Fatalf("body %s: %v", d.Body, err)
	}
	return b.Type, b.Timestamp, b.Data
}

func (e *env) deliveries(t *testing.T, caller principal.Principal, endpointID int64) []domain.Delivery {
	t.Helper()
	ds, err := e.svc.Deliveries(context.Background(), caller, endpointID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// Each domain event becomes one delivery per subscribed, enabled endpoint of the right
// corporation, the relay is woken after each change that wrote some and enqueues their
// jobs, and the body carries the event's data.
func TestOutboxWritesSubscribedEvents(t *testing.T) {
	e := newEnv()
	all := e.endpoint(t, adminA, "https://hooks.acme.example/all", domain.EventTypes...)
	views := e.endpoint(t, adminA, "https://hooks.acme.example/views", "view.first")
	off := e.endpoint(t, adminA, "https://hooks.acme.example/off", domain.EventTypes...)
	if _, err := e.svc.Update(context.Background(), adminA, off.ID, service.EndpointInput{Enabled: bp(false)}); err != nil {
		t.Fatal(err)
	}
	other := e.endpoint(t, adminB, "https://hooks.other.example/", domain.EventTypes...)
	expiry := t0.Add(time.Hour)
	for _, ev := range []events.Event{
		videoevents.VideoCreated{VideoID: 7, CorporationID: 100, Name: "Tour", Visibility: "private", SourceKind: "upload", At: t0},
		mediaevents.MediaReady{VideoID: 7, DurationSeconds: 2, Width: 320, Height: 240},
		mediaevents.MediaFailed{VideoID: 7, Error: "unreadable"},
		mediaevents.MediaReady{VideoID: 999}, // a video that is gone: nobody to tell
		videoevents.VideoDeleted{VideoID: 7, CorporationID: 100},
		videoevents.VideoRestored{VideoID: 7, CorporationID: 100},
		videoevents.VideoViewed{UserID: 2, VideoID: 7, CorporationID: 100, UserCorporationID: 100, Points: 10},
		// A user of B views A's public video: B is told, not A.
		videoevents.VideoViewed{UserID: 3, VideoID: 7, CorporationID: 100, UserCorporationID: 200, Points: 10},
		userevents.UserCreated{UserID: 2, CorporationID: 100, Email: "guest@acme.example", Role: "guest"},
		userevents.UserDeleted{UserID: 2, CorporationID: 100},
		corporationevents.PlanChanged{CorporationID: 100, PlanType: "FREE", PlanExpiredAt: &expiry, PreviousPlanType: "PAID",
			PreviousPlanExpiredAt: &expiry, EffectivePlan: "FREE", Reason: corporationevents.PlanExpired},
	} {
		e.publish(t, ev)
	}
	got := e.deliveries(t, adminA, all.ID)
	var types []string
	for i := len(got) - 1; i >= 0; i-- {
		types = append(types, got[i].EventType)
	}
	want := "video.created,video.ready,video.failed,video.deleted,video.restored,view.first,user.created,user.deleted,corporation.plan_changed"
	if strings.Join(types, ",") != want {
		t.Fatalf("the all-events endpoint got %v, want %s", types, want)
	}
	if vs := e.deliveries(t, adminA, views.ID); len(vs) != 1 || vs[0].EventType != "view.first" {
		t.Fatalf("the view.first endpoint got %d deliveries", len(vs))
	}
	if n := len(e.deliveries(t, adminA, off.ID)); n != 0 {
		t.Fatalf("the disabled endpoint got %d deliveries", n)
	}
	ob := e.deliveries(t, adminB, other.ID)
	if len(ob) != 1 || ob[0].EventType != "view.first" {
		t.Fatalf("corporation B got %v, want only its user's view", ob)
	}
	if n := len(e.queue.Enqueued()); n != 0 {
		t.Fatalf("%d jobs enqueued by the changes, want none: the relay enqueues them", n)
	}
	if w := e.waker.Wakes(); w != 10 {
		t.Fatalf("the relay was woken %d times, want once per change that wrote deliveries (10)", w)
	}
	if n, err := e.svc.Relay(context.Background()); err != nil || n != 9+1+1 || len(e.queue.Enqueued()) != n {
		t.Fatalf("relay: %d %v, queue %v; want one job per delivery (11)", n, err, e.queue.Enqueued())
	}
	if n, err := e.svc.Relay(context.Background()); err != nil || n != 0 {
		t.Fatalf("relay again: %d %v, want nothing left", n, err)
	}
	byType := map[string]domain.Delivery{}
	ids := map[string]bool{}
	for _, d := range got {
		byType[d.EventType] = d
		if d.Status != domain.Pending || !strings.HasPrefix(d.EventID, "msg_") || ids[d.EventID] {
			t.Fatalf("delivery %+v: want pending with a distinct event id", d)
		}
		ids[d.EventID] = true
	}
	typ, ts, data := body(t, byType["video.created"])
	if typ != "video.created" || !ts.Equal(t0) || data["video_id"] != 7.0 || data["corporation_id"] != 100.0 || data["name"] != "Tour" ||
		data["visibility"] != "private" || data["source_kind"] != "upload" {
		t.Fatalf("video.created: %s %s %v", typ, ts, data)
	}
	if _, _, data := body(t, byType["video.ready"]); data["duration_seconds"] != 2.0 || data["width"] != 320.0 || data["corporation_id"] != 100.0 {
		t.Fatalf("video.ready: %v", data)
	}
	if _, _, data := body(t, byType["video.failed"]); data["error"] != "unreadable" {
		t.Fatalf("video.failed: %v", data)
	}
	if _, _, data := body(t, byType["view.first"]); data["user_id"] != 2.0 || data["video_id"] != 7.0 || data["points"] != 10.0 || data["corporation_id"] != 100.0 {
		t.Fatalf("view.first: %v", data)
	}
	if _, _, data := body(t, ob[0]); data["user_id"] != 3.0 || data["corporation_id"] != 200.0 || data["video_corporation_id"] != 100.0 {
		t.Fatalf("view.first to B: %v", data)
	}
	if _, _, data := body(t, byType["user.created"]); data["email"] != "guest@acme.example" || data["role"] != "guest" {
		t.Fatalf("user.created: %v", data)
	}
	if _, _, data := body(t, byType["corporation.plan_changed"]); data["plan_type"] != "FREE" || data["previous_plan_type"] != "PAID" ||
		data["reason"] != "expired" || data["plan_expired_at"] != expiry.Format(time.RFC3339) {
		t.Fatalf("plan_changed: %v", data)
	}
	if _, ts, _ := body(t, byType["video.deleted"]); !ts.Equal(t0) {
		t.Fatalf("an event without a time is dated by the clock: %s", ts)
	}
}

// A change that rolls back leaves no delivery, wakes nothing and the relay finds nothing;
// an outbox failure fails the change.
func TestOutboxFollowsTheUnitOfWork(t *testing.T) {
	e := newEnv()
	ctx := context.Background()
	ep := e.endpoint(t, adminA, "https://hooks.acme.example/", "user.created")
	boom := errors.New("change refused")
	err := e.uow.Do(ctx, func(ctx context.Context) error {
		if err := e.bus.Publish(ctx, userevents.UserCreated{UserID: 5, CorporationID: 100}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if n := len(e.deliveries(t, adminA, ep.ID)); n != 0 {
		t.Fatalf("a rolled back change left %d deliveries", n)
	}
	if n, err := e.svc.Relay(ctx); err != nil || n != 0 || e.waker.Wakes() != 0 {
		t.Fatalf("after a rollback: relay %d %v, %d wakes; want nothing", n, err, e.waker.Wakes())
	}
	e.repo.Err = errors.New("database down")
	err = e.uow.Do(ctx, func(ctx context.Context) error {
		return e.bus.Publish(ctx, userevents.UserCreated{UserID: 5, CorporationID: 100})
	})
	if !errors.Is(err, e.repo.Err) {
		t.Fatalf("a failing outbox: %v, want its error", err)
	}
}

// The relay enqueues the deliveries without a job in batches, oldest first, once each; a
// run whose enqueue fails leaves its deliveries to the next run.
func TestRelay(t *testing.T) {
	e := newEnv()
	ctx := context.Background()
	e.endpoint(t, adminA, "https://hooks.acme.example/", "user.created")
	total := service.RelayBatch + 5
	for i := range total {
		e.publish(t, userevents.UserCreated{UserID: int64(1000 + i), CorporationID: 100})
	}
	e.queue.Err = errors.New("queue down")
	if n, err := e.svc.Relay(ctx); !errors.Is(err, e.queue.Err) || n != 0 {
		t.Fatalf("relay with the queue down: %d %v", n, err)
	}
	e.queue.Err = nil
	for _, want := range []int{service.RelayBatch, 5, 0} {
		if n, err := e.svc.Relay(ctx); err != nil || n != want {
			t.Fatalf("relay: %d %v, want %d", n, err, want)
		}
	}
	q := e.queue.Enqueued()
	if len(q) != total {
		t.Fatalf("%d jobs, want %d", len(q), total)
	}
	for i := 1; i < len(q); i++ {
		if q[i] <= q[i-1] {
			t.Fatalf("jobs out of order or repeated at %d: %d after %d", i, q[i], q[i-1])
		}
	}
}

func TestCorporationDeletedDisablesItsEndpoints(t *testing.T) {
	e := newEnv()
	a := e.endpoint(t, adminA, "https://hooks.acme.example/", "view.first")
	b := e.endpoint(t, adminB, "https://hooks.other.example/", "view.first")
	e.publish(t, corporationevents.CorporationDeleted{CorporationID: 100})
	ctx := context.Background()
	if got, _ := e.repo.GetEndpoint(ctx, 100, a.ID); got.Enabled || got.DisabledReason == "" {
		t.Fatalf("A's endpoint %+v, want disabled with a reason", got)
	}
	if got, _ := e.repo.GetEndpoint(ctx, 200, b.ID); !got.Enabled {
		t.Fatal("B's endpoint was disabled")
	}
}
