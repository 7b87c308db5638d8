package wiring_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"go.uber.org/fx"
	"go.uber.org/fx/fxtest"

	"vms/app/apptest"
	"vms/app/wiring"
	"vms/modules/user/userevents"
	"vms/modules/webhook/domain"
	"vms/platform/database"
	"vms/platform/database/dbtest"
	"vms/platform/events"
)

// The webhook module writes its outbox in the unit of work of the change: when a later
// handler fails and the change rolls back, neither the delivery nor its job remains and
// nothing is sent; the same change committed is delivered.
func TestWebhookOutboxFollowsTheChange(t *testing.T) {
	for _, b := range apptest.Backends() {
		t.Run(string(b), func(t *testing.T) {
			var (
				db *database.DB
				in handlers
			)
			cfg := apptest.Config(t, b, map[string]string{"ALLOW_PRIVATE_WEBHOOKS": "true", "MEDIA_PROCESSING": "off"})
			app := fxtest.New(t, fx.NopLogger, wiring.Options(cfg), fx.Populate(&db, &in)).RequireStart()
			t.Cleanup(app.RequireStop)

			corp := dbtest.SeedCorporation(t, db, "Acme", "FREE")
			r := apptest.NewReceiver(t)
			secret := domain.NewSecret()
			r.SetSecret(secret)
			var endpoint int64
			if err := db.Gorm.Raw("INSERT INTO webhook_endpoints (corporation_id, url, secret) VALUES (?, ?, ?) RETURNING id", corp, r.URL(), secret).Scan(&endpoint).Error; err != nil {
				t.Fatal(err)
			}
			if err := db.Gorm.Exec("INSERT INTO webhook_subscriptions (endpoint_id, corporation_id, event_type) VALUES (?, ?, 'user.created')", endpoint, corp).Error; err != nil {
				t.Fatal(err)
			}

			boom := errors.New("a later step of the change failed")
			var inside int64
			later := events.HandlerFunc(func(ctx context.Context, _ userevents.UserCreated) error {
				// The webhook handler ran first: its delivery is there, uncommitted.
				if err := db.Conn(ctx).Raw("SELECT count(*) FROM webhook_deliveries").Scan(&inside).Error; err != nil {
					return err
				}
				return boom
			})
			bus := events.NewBus(append(append([]events.Handler{}, in.All...), later))
			err := db.Do(context.Background(), func(ctx context.Context) error {
				return bus.Publish(ctx, userevents.UserCreated{UserID: 41, CorporationID: corp, Email: "rolled@acme.example", Role: "guest"})
			})
			if !errors.Is(err, boom) || inside != 1 {
				t.Fatalf("Do = %v with %d deliveries inside; want the later handler's error after the outbox write", err, inside)
			}
			if n := dbtest.QueryInt(t, db, "SELECT count(*) FROM webhook_deliveries"); n != 0 {
				t.Fatalf("%d deliveries after the rollback", n)
			}
			if n := dbtest.QueryInt(t, db, "SELECT count(*) FROM river_job WHERE kind = 'webhook_deliver'"); n != 0 {
				t.Fatalf("%d delivery jobs after the rollback", n)
			}

			committed := events.NewBus(in.All)
			if err := db.Do(context.Background(), func(ctx context.Context) error {
				return committed.Publish(ctx, userevents.UserCreated{UserID: 42, CorporationID: corp, Email: "kept@acme.example", Role: "guest"})
			}); err != nil {
				t.Fatal(err)
			}
			evs := r.Await(30*time.Second, "the committed event", func(evs []apptest.Received) bool { return len(evs) == 1 })
			var u struct {
				UserID int64 `json:"user_id"`
			}
			if err := apptest.DataOf(evs, "user.created", &u); err != nil || u.UserID != 42 {
				t.Fatalf("received %+v (%v), want only the committed user 42", u, err)
			}
			// Nothing of the rolled back change comes later either.
			time.Sleep(500 * time.Millisecond)
			if all := r.All(); len(all) != 1 {
				t.Fatalf("the receiver got %d requests, want 1", len(all))
			}
		})
	}
}
