// Package domain holds the webhook module's entities and rules: endpoints and their
// subscriptions, events in the outbox and their deliveries, the Standard Webhooks
// signature, the retry schedule and when a failing endpoint is disabled.
package domain

import (
	"crypto/rand"
	"encoding/base32"
	"slices"
	"strings"
	"time"
)

// The event types an endpoint may subscribe to.
const (
	VideoCreated           = "video.created"
	VideoReady             = "video.ready"
	VideoFailed            = "video.failed"
	VideoDeleted           = "video.deleted"
	VideoRestored          = "video.restored"
	ViewFirst              = "view.first"
	UserCreated            = "user.created"
	UserDeleted            = "user.deleted"
	CorporationPlanChanged = "corporation.plan_changed"
)

// TestEvent is the type of the event POST /v1/webhooks/{id}/test sends. Endpoints do not
// subscribe to it: it goes to the endpoint it is asked for, enabled or not.
const TestEvent = "webhook.test"

// EventTypes lists the subscribable event types, in the order the documents list them.
var EventTypes = []string{
	VideoCreated, VideoReady, VideoFailed, VideoDeleted, VideoRestored,
	ViewFirst, UserCreated, UserDeleted, CorporationPlanChanged,
}

// Event is one change to tell subscribers about: its stable id (the webhook-id header,
// the same on every attempt and every endpoint), its type and time, and the body sent,
// the JSON {type, timestamp, data}.
type Event struct {
	ID   string
	Type string
	At   time.Time
	Body []byte
}

// NewEventID returns a new event id: "msg_" and 26 characters of base32 (128 random
// bits), in the style of Standard Webhooks message ids.
func NewEventID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return "msg_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// ParseEvents validates the event types of a subscription: at least one, each known;
// repeats are dropped and the result follows EventTypes' order.
func ParseEvents(in []string) ([]string, error) {
	if len(in) == 0 {
		return nil, Invalid("events", "must list at least one event type")
	}
	seen := map[string]bool{}
	for _, e := range in {
		e = strings.TrimSpace(e)
		if !slices.Contains(EventTypes, e) {
			return nil, Invalid("events", "has an unknown event type "+quote(e)+"; the types are "+strings.Join(EventTypes, ", "))
		}
		seen[e] = true
	}
	out := make([]string, 0, len(seen))
	for _, e := range EventTypes {
		if seen[e] {
			out = append(out, e)
		}
	}
	return out, nil
}

func quote(s string) string {
	const limit = 64
	if len(s) > limit {
		s = s[:limit] + "…"
	}
	return `"` + s + `"`
}
