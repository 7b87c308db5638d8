// Package eventstest has an events.Publisher for tests that records what is published.
package eventstest

import (
	"context"
	"sync"

	"vms/platform/events"
)

// Recorder records published events and fails with Err when set.
type Recorder struct {
	mu     sync.Mutex
	Events []events.Event
	Err    error
}

var _ events.Publisher = (*Recorder)(nil)

// Publish records the event.
func (p *Recorder) Publish(_ context.Context, e events.Event) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.Err != nil {
		return p.Err
	}
	p.Events = append(p.Events, e)
	return nil
}

// Published returns a copy of the recorded events.
func (p *Recorder) Published() []events.Event {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]events.Event(nil), p.Events...)
}
