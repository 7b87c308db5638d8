package events_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"vms/platform/database"
	"vms/platform/database/dbtest"
	"vms/platform/events"
)

type created struct{ Name string }

func (created) EventName() string { return "test.created" }

type other struct{}

func (other) EventName() string { return "test.other" }

// impostor shares created's name but has another type.
type impostor struct{}

func (impostor) EventName() string { return "test.created" }

var errRefused = errors.New("refused")

func TestHandlerErrorRollsBackPublisher(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, db *database.DB) {
		write := events.HandlerFunc(func(ctx context.Context, e created) error {
			return db.Conn(ctx).Exec("INSERT INTO corporations (name, plan_type) VALUES (?, 'FREE')", e.Name+"-by-handler").Error
		})
		refuse := events.HandlerFunc(func(ctx context.Context, e created) error {
			if strings.HasPrefix(e.Name, "bad") {
				return errRefused
			}
			return nil
		})
		bus := events.NewBus([]events.Handler{write, refuse})
		publish := func(name string) error {
			return db.Do(context.Background(), func(ctx context.Context) error {
				if err := db.Conn(ctx).Exec("INSERT INTO corporations (name, plan_type) VALUES (?, 'FREE')", name).Error; err != nil {
					return err
				}
				return bus.Publish(ctx, created{Name: name})
			})
		}
		if err := publish("good"); err != nil {
			t.Fatalf("publish good: %v", err)
		}
		err := publish("bad")
		if !errors.Is(err, errRefused) {
			t.Fatalf("publish bad returned %v, want the handler's error", err)
		}
		var names []string
		if err := db.Gorm.Raw("SELECT name FROM corporations ORDER BY name").Scan(&names).Error; err != nil {
			t.Fatal(err)
		}
		if strings.Join(names, ",") != "good,good-by-handler" {
			t.Fatalf("rows = %v; the failed publish must leave neither its own row nor the handler's", names)
		}
	})
}

func TestHandlersRunInRegistrationOrder(t *testing.T) {
	var order []string
	h := func(tag string) events.Handler {
		return events.HandlerFunc(func(context.Context, created) error { order = append(order, tag); return nil })
	}
	stop := events.HandlerFunc(func(context.Context, created) error { order = append(order, "stop"); return errRefused })
	o := events.HandlerFunc(func(context.Context, other) error { order = append(order, "other"); return nil })
	bus := events.NewBus([]events.Handler{h("a"), o, h("b"), h("c")})
	if err := bus.Publish(context.Background(), created{}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(order, ","); got != "a,b,c" {
		t.Fatalf("order = %s, want a,b,c (and no handler of another event)", got)
	}
	order = nil
	bus = events.NewBus([]events.Handler{h("a"), stop, h("never")})
	if err := bus.Publish(context.Background(), created{}); !errors.Is(err, errRefused) {
		t.Fatalf("Publish = %v", err)
	}
	if got := strings.Join(order, ","); got != "a,stop" {
		t.Fatalf("order = %s, want dispatch to stop at the first error", got)
	}
	if err := events.NewBus(nil).Publish(context.Background(), created{}); err != nil {
		t.Fatalf("publish without handlers: %v", err)
	}
}

func TestHandlerFuncTypeCheck(t *testing.T) {
	var got created
	h := events.HandlerFunc(func(_ context.Context, e created) error { got = e; return nil })
	if h.EventName() != "test.created" {
		t.Fatalf("EventName = %q", h.EventName())
	}
	if err := h.Handle(context.Background(), created{Name: "x"}); err != nil || got.Name != "x" {
		t.Fatalf("Handle = %v, got %+v", err, got)
	}
	err := h.Handle(context.Background(), impostor{})
	if err == nil || !strings.Contains(err.Error(), "unexpected type") {
		t.Fatalf("Handle(impostor) = %v, want a type error", err)
	}
}

func TestHandlerSeesPublisherContext(t *testing.T) {
	type key struct{}
	var seen any
	h := events.HandlerFunc(func(ctx context.Context, _ created) error { seen = ctx.Value(key{}); return nil })
	ctx := context.WithValue(context.Background(), key{}, "tx")
	if err := events.NewBus([]events.Handler{h}).Publish(ctx, created{}); err != nil {
		t.Fatal(err)
	}
	if seen != "tx" {
		t.Fatalf("handler saw %v, want the publisher's context", seen)
	}
}

// Handlers registered after the bus is built run after those it was built with, in
// registration order.
func TestRegisterAddsHandlersInOrder(t *testing.T) {
	var order []string
	h := func(tag string) events.Handler {
		return events.HandlerFunc(func(context.Context, created) error { order = append(order, tag); return nil })
	}
	bus := events.NewBus([]events.Handler{h("a")})
	bus.Register(h("b"), h("c"))
	bus.Register()
	if err := bus.Publish(context.Background(), created{}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(order, ","); got != "a,b,c" {
		t.Fatalf("order = %s, want a,b,c", got)
	}
}
