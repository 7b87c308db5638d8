// Package repotest is the contract every webhook ports.Repository must meet; the
// in-memory fake and the GORM adapter on SQLite and PostgreSQL all run it.
package repotest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"vms/modules/webhook/domain"
	"vms/modules/webhook/ports"
)

// Env is one empty repository under test, the unit of work it joins and two
// corporations that exist.
type Env struct {
	Repo         ports.Repository
	UoW          ports.UnitOfWork
	CorpA, CorpB int64
}

var t0 = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

// secret is a made-up signing secret ("secret" in base64).
const secret = "whsec_c2VjcmV0" //nolint:gosec // G101: a test value, not a credential

func endpoint(t *testing.T, r ports.Repository, corp int64, url string, enabled bool, events ...string) domain.Endpoint {
	t.Helper()
	e, err := r.CreateEndpoint(context.Background(), domain.Endpoint{
		CorporationID: corp, URL: url, Description: "d", Events: events, Enabled: enabled, Secret: secret,
		CreatedAt: t0, UpdatedAt: t0,
	})
	if err != nil || e.ID <= 0 {
		t.Fatalf("create endpoint: %+v %v", e, err)
	}
	return e
}

func event(typ string, at time.Time) domain.Event {
	return domain.Event{ID: domain.NewEventID(), Type: typ, At: at, Body: []byte(`{"type":"` + typ + `","data":{"n":1}}`)}
}

// Run runs the contract; newEnv returns a fresh, empty repository each time.
func Run(t *testing.T, newEnv func(t *testing.T) Env) {
	t.Run("endpoints", func(t *testing.T) { testEndpoints(t, newEnv(t)) })
	t.Run("outbox", func(t *testing.T) { testOutbox(t, newEnv(t)) })
	t.Run("attempts", func(t *testing.T) { testAttempts(t, newEnv(t)) })
	t.Run("delete and prune", func(t *testing.T) { testDeleteAndPrune(t, newEnv(t)) })
	t.Run("rollback", func(t *testing.T) { testRollback(t, newEnv(t)) })
	t.Run("claim", func(t *testing.T) { testClaim(t, newEnv(t)) })
}

func testEndpoints(t *testing.T, e Env) {
	ctx := context.Background()
	r := e.Repo
	a := endpoint(t, r, e.CorpA, "https://a.example/1", true, domain.ViewFirst, domain.VideoCreated)
	a2 := endpoint(t, r, e.CorpA, "https://a.example/2", false, domain.UserCreated)
	b := endpoint(t, r, e.CorpB, "https://b.example/", true, domain.ViewFirst)
	got, err := r.GetEndpoint(ctx, e.CorpA, a.ID)
	if err != nil || got.URL != a.URL || got.Secret != secret || !got.Enabled || got.Description != "d" ||
		strings.Join(got.Events, ",") != "video.created,view.first" || !got.CreatedAt.Equal(t0) || got.CreatedAt.Location() != time.UTC {
		t.Fatalf("get %+v %v", got, err)
	}
	if _, err := r.GetEndpoint(ctx, e.CorpB, a.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("another corporation's: %v", err)
	}
	page, err := r.ListEndpoints(ctx, e.CorpA, 0, 1)
	if err != nil || len(page) != 1 || page[0].ID != a.ID || len(page[0].Events) != 2 {
		t.Fatalf("first page %+v %v", page, err)
	}
	page, err = r.ListEndpoints(ctx, e.CorpA, a.ID, 10)
	if err != nil || len(page) != 1 || page[0].ID != a2.ID || strings.Join(page[0].Events, ",") != "user.created" {
		t.Fatalf("second page %+v %v", page, err)
	}
	failing := t0.Add(time.Hour)
	got.URL, got.Description, got.Events, got.Enabled, got.DisabledReason, got.FailingSince, got.UpdatedAt =
		"https://a.example/new", "", []string{domain.UserDeleted}, false, "why", &failing, t0.Add(2*time.Hour)
	up, err := r.UpdateEndpoint(ctx, got)
	if err != nil || up.URL != "https://a.example/new" || up.Description != "" || strings.Join(up.Events, ",") != "user.deleted" || up.Enabled ||
		up.DisabledReason != "why" || up.FailingSince == nil || !up.FailingSince.Equal(failing) || !up.UpdatedAt.Equal(t0.Add(2*time.Hour)) || up.Secret != a.Secret {
		t.Fatalf("update %+v %v", up, err)
	}
	got.CorporationID = e.CorpB
	if _, err := r.UpdateEndpoint(ctx, got); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("update as another corporation: %v", err)
	}
	if err := r.SetHealth(ctx, a.ID, nil, false, "", t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := r.GetEndpoint(ctx, e.CorpA, a.ID); got.FailingSince != nil || got.Enabled {
		t.Fatalf("after SetHealth(nil) %+v", got)
	}
	if err := r.SetHealth(ctx, b.ID, &failing, true, "failed for a day", t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := r.GetEndpoint(ctx, e.CorpB, b.ID); got.Enabled || got.DisabledReason != "failed for a day" || !got.FailingSince.Equal(failing) {
		t.Fatalf("after SetHealth(disable) %+v", got)
	}
	c := endpoint(t, r, e.CorpA, "https://a.example/3", true, domain.ViewFirst)
	if err := r.DisableEndpoints(ctx, e.CorpA, "the corporation was deleted", t0); err != nil {
		t.Fatal(err)
	}
	if got, _ := r.GetEndpoint(ctx, e.CorpA, c.ID); got.Enabled || got.DisabledReason != "the corporation was deleted" {
		t.Fatalf("after DisableEndpoints %+v", got)
	}
}

func testOutbox(t *testing.T, e Env) {
	ctx := context.Background()
	r := e.Repo
	views := endpoint(t, r, e.CorpA, "https://a.example/views", true, domain.ViewFirst)
	both := endpoint(t, r, e.CorpA, "https://a.example/both", true, domain.ViewFirst, domain.UserCreated)
	endpoint(t, r, e.CorpA, "https://a.example/off", false, domain.ViewFirst)
	other := endpoint(t, r, e.CorpB, "https://b.example/", true, domain.ViewFirst)
	ev := event(domain.ViewFirst, t0)
	ids, err := r.AddDeliveries(ctx, e.CorpA, ev)
	if err != nil || len(ids) != 2 {
		t.Fatalf("AddDeliveries = %v %v, want the two enabled subscribers of A", ids, err)
	}
	if none, err := r.AddDeliveries(ctx, e.CorpB, event(domain.UserCreated, t0)); err != nil || len(none) != 0 {
		t.Fatalf("no subscriber: %v %v", none, err)
	}
	for _, ep := range []domain.Endpoint{views, both} {
		ds, err := r.ListDeliveries(ctx, e.CorpA, ep.ID, 0, 10)
		if err != nil || len(ds) != 1 {
			t.Fatalf("deliveries of %s: %+v %v", ep.URL, ds, err)
		}
		d := ds[0]
		if d.EventID != ev.ID || d.EventType != domain.ViewFirst || string(d.Body) != string(ev.Body) || d.Status != domain.Pending ||
			d.Attempts != 0 || d.EndpointID != ep.ID || d.CorporationID != e.CorpA || !d.CreatedAt.Equal(t0) || d.NextAttemptAt == nil ||
			d.History == nil || len(d.History) != 0 {
			t.Fatalf("delivery %+v", d)
		}
		tg, ok, err := r.Target(ctx, d.ID)
		if err != nil || !ok || tg.Delivery.ID != d.ID || tg.Endpoint.ID != ep.ID || tg.Endpoint.Secret != ep.Secret || tg.Endpoint.URL != ep.URL {
			t.Fatalf("target %+v %v %v", tg, ok, err)
		}
	}
	if ds, _ := r.ListDeliveries(ctx, e.CorpB, other.ID, 0, 10); len(ds) != 0 {
		t.Fatalf("B got %d deliveries of A's event", len(ds))
	}
	if _, err := r.GetDelivery(ctx, e.CorpB, views.ID, ids[0]); !errors.Is(err, domain.ErrDeliveryNotFound) {
		t.Fatalf("another corporation's delivery: %v", err)
	}
	// Newest first, by pages.
	for i := range 3 {
		if _, err := r.AddDelivery(ctx, views, event(domain.TestEvent, t0.Add(time.Duration(i+1)*time.Minute))); err != nil {
			t.Fatal(err)
		}
	}
	first, err := r.ListDeliveries(ctx, e.CorpA, views.ID, 0, 2)
	if err != nil || len(first) != 2 || first[0].ID <= first[1].ID || first[0].EventType != domain.TestEvent {
		t.Fatalf("first page %+v %v", first, err)
	}
	rest, err := r.ListDeliveries(ctx, e.CorpA, views.ID, first[1].ID, 10)
	if err != nil || len(rest) != 2 || rest[0].ID >= first[1].ID || rest[1].EventType != domain.ViewFirst {
		t.Fatalf("second page %+v %v", rest, err)
	}
	if _, ok, err := r.Target(ctx, 999999); ok || err != nil {
		t.Fatalf("Target(unknown) = %v %v", ok, err)
	}
}

func testAttempts(t *testing.T, e Env) {
	ctx := context.Background()
	r := e.Repo
	ep := endpoint(t, r, e.CorpA, "https://a.example/", true, domain.UserCreated)
	d, err := r.AddDelivery(ctx, ep, event(domain.UserCreated, t0))
	if err != nil {
		t.Fatal(err)
	}
	next := t0.Add(time.Minute)
	if err := r.RecordAttempt(ctx, d.ID, domain.Attempt{Number: 1, StatusCode: 503, Duration: 1500 * time.Microsecond, Error: "HTTP 503", At: t0}, domain.Pending, &next); err != nil {
		t.Fatal(err)
	}
	if err := r.RecordAttempt(ctx, d.ID, domain.Attempt{Number: 2, StatusCode: 200, Duration: 2 * time.Millisecond, At: next}, domain.Succeeded, nil); err != nil {
		t.Fatal(err)
	}
	got, err := r.GetDelivery(ctx, e.CorpA, ep.ID, d.ID)
	if err != nil || got.Status != domain.Succeeded || got.Attempts != 2 || got.LastStatusCode != 200 || got.LastError != "" ||
		got.LastDuration != 2*time.Millisecond || got.NextAttemptAt != nil || got.DeliveredAt == nil || !got.DeliveredAt.Equal(next) || len(got.History) != 2 {
		t.Fatalf("after two attempts %+v %v", got, err)
	}
	if h := got.History[0]; h.Number != 1 || h.StatusCode != 503 || h.Error != "HTTP 503" || h.Duration != 1500*time.Microsecond || !h.At.Equal(t0) {
		t.Fatalf("first attempt %+v", h)
	}
	if err := r.SetStatus(ctx, d.ID, domain.Pending, &next, next); err != nil {
		t.Fatal(err)
	}
	if got, _ := r.GetDelivery(ctx, e.CorpA, ep.ID, d.ID); got.Status != domain.Pending || got.NextAttemptAt == nil || got.Attempts != 2 {
		t.Fatalf("after SetStatus %+v", got)
	}
}

func testDeleteAndPrune(t *testing.T, e Env) {
	ctx := context.Background()
	r := e.Repo
	gone := endpoint(t, r, e.CorpA, "https://a.example/gone", true, domain.UserCreated)
	kept := endpoint(t, r, e.CorpA, "https://a.example/kept", true, domain.UserCreated)
	ids, err := r.AddDeliveries(ctx, e.CorpA, event(domain.UserCreated, t0))
	if err != nil || len(ids) != 2 {
		t.Fatalf("%v %v", ids, err)
	}
	if err := r.DeleteEndpoint(ctx, e.CorpB, gone.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("delete as another corporation: %v", err)
	}
	if err := r.DeleteEndpoint(ctx, e.CorpA, gone.ID); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if tg, ok, _ := r.Target(ctx, id); ok && tg.Endpoint.ID == gone.ID {
			t.Fatal("a deleted endpoint's delivery is still a target")
		}
	}
	if _, err := r.GetEndpoint(ctx, e.CorpA, gone.ID); !errors.Is(err, domain.ErrNotFound) {
		t.Fatalf("deleted endpoint: %v", err)
	}
	old, _ := r.ListDeliveries(ctx, e.CorpA, kept.ID, 0, 10)
	if err := r.RecordAttempt(ctx, old[0].ID, domain.Attempt{Number: 1, StatusCode: 200, At: t0}, domain.Succeeded, nil); err != nil {
		t.Fatal(err)
	}
	pending, err := r.AddDelivery(ctx, kept, event(domain.UserCreated, t0))
	if err != nil {
		t.Fatal(err)
	}
	recent, err := r.AddDelivery(ctx, kept, event(domain.UserCreated, t0.Add(48*time.Hour)))
	if err != nil {
		t.Fatal(err)
	}
	if err := r.SetStatus(ctx, recent.ID, domain.Failed, nil, t0); err != nil {
		t.Fatal(err)
	}
	n, err := r.PruneDeliveries(ctx, t0.Add(time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("pruned %d %v, want the old finished delivery only", n, err)
	}
	left, _ := r.ListDeliveries(ctx, e.CorpA, kept.ID, 0, 10)
	if len(left) != 2 || left[0].ID != recent.ID || left[1].ID != pending.ID {
		t.Fatalf("left %+v", left)
	}
}

func testRollback(t *testing.T, e Env) {
	ctx := context.Background()
	ep := endpoint(t, e.Repo, e.CorpA, "https://a.example/", true, domain.UserCreated)
	boom := errors.New("boom")
	err := e.UoW.Do(ctx, func(ctx context.Context) error {
		if _, err := e.Repo.AddDeliveries(ctx, e.CorpA, event(domain.UserCreated, t0)); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if ds, _ := e.Repo.ListDeliveries(ctx, e.CorpA, ep.ID, 0, 10); len(ds) != 0 {
		t.Fatalf("a rolled back unit of work left %d deliveries", len(ds))
	}
}

// testClaim: the outbox's deliveries wait for a claim, which takes them oldest first up
// to its limit and once each; a claim rolled back leaves them to the next; a delivery
// added for one endpoint (a test event) is never claimed.
func testClaim(t *testing.T, e Env) {
	ctx := context.Background()
	ep := endpoint(t, e.Repo, e.CorpA, "https://a.example/", true, domain.UserCreated)
	if _, err := e.Repo.AddDelivery(ctx, ep, event(domain.TestEvent, t0)); err != nil {
		t.Fatal(err)
	}
	var want []int64
	for range 5 {
		ids, err := e.Repo.AddDeliveries(ctx, e.CorpA, event(domain.UserCreated, t0))
		if err != nil || len(ids) != 1 {
			t.Fatalf("add: %v %v", ids, err)
		}
		want = append(want, ids[0])
	}
	boom := errors.New("boom")
	err := e.UoW.Do(ctx, func(ctx context.Context) error {
		ids, err := e.Repo.ClaimDeliveries(ctx, 10, t0)
		if err != nil {
			return err
		}
		if len(ids) != 5 {
			t.Errorf("claimed %v in the unit of work that rolls back, want the 5", ids)
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	var got []int64
	for _, limit := range []int{3, 3, 3} {
		err := e.UoW.Do(ctx, func(ctx context.Context) error {
			ids, err := e.Repo.ClaimDeliveries(ctx, limit, t0.Add(time.Minute))
			got = append(got, ids...)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("claims took %v, want %v in order, once each", got, want)
	}
	if ds, err := e.Repo.ListDeliveries(ctx, e.CorpA, ep.ID, 0, 10); err != nil || len(ds) != 6 || ds[0].Status != domain.Pending {
		t.Fatalf("deliveries after the claims: %d %v, want 6 still pending", len(ds), err)
	}
}
