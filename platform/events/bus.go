// Package events is a synchronous, in-process domain event bus. Handlers run in the
// publisher's goroutine and context, so they join the publisher's unit of work: a handler
// error is returned to the publisher and rolls its transaction back.
package events

import (
	"context"
	"fmt"
)

// Event is a domain event. Name identifies its kind, e.g. "video.viewed".
type Event interface {
	EventName() string
}

// Handler reacts to one kind of event.
type Handler interface {
	EventName() string
	Handle(ctx context.Context, e Event) error
}

// Publisher is what a module needs to publish events.
type Publisher interface {
	Publish(ctx context.Context, e Event) error
}

// Bus dispatches events to the handlers registered for their name, in registration order.
type Bus struct {
	handlers map[string][]Handler
}

var _ Publisher = (*Bus)(nil)

// NewBus builds a bus from the given handlers.
func NewBus(handlers []Handler) *Bus {
	b := &Bus{handlers: map[string][]Handler{}}
	b.Register(handlers...)
	return b
}

// Register adds handlers after the bus is built. The application registers its handlers
// this way once every constructor has run, so that a handler may depend on a service that
// publishes through the bus (the bus then depends on no handler). Register before the
// first Publish: it is not safe alongside Publish.
func (b *Bus) Register(handlers ...Handler) {
	for _, h := range handlers {
		b.handlers[h.EventName()] = append(b.handlers[h.EventName()], h)
	}
}

// Publish runs every handler of e's kind; the first error stops dispatch and is returned.
func (b *Bus) Publish(ctx context.Context, e Event) error {
	for _, h := range b.handlers[e.EventName()] {
		if err := h.Handle(ctx, e); err != nil {
			return fmt.Errorf("handle %s: %w", e.EventName(), err)
		}
	}
	return nil
}

// HandlerFunc adapts a typed function to a Handler.
func HandlerFunc[E Event](fn func(ctx context.Context, e E) error) Handler {
	var zero E
	return funcHandler[E]{name: zero.EventName(), fn: fn}
}

type funcHandler[E Event] struct {
	name string
	fn   func(ctx context.Context, e E) error
}

func (f funcHandler[E]) EventName() string { return f.name }

func (f funcHandler[E]) Handle(ctx context.Context, e Event) error {
	typed, ok := e.(E)
	if !ok {
		return fmt.Errorf("event %s has unexpected type %T", f.name, e)
	}
	return f.fn(ctx, typed)
}
