// Package httpapi serves /v1/webhooks: endpoints, their deliveries, the test event and
// the catalogue of event types with an example body of each.
package httpapi

import (
	"time"

	"vms/modules/webhook/domain"
)

// CreateWebhookRequest adds an endpoint.
type CreateWebhookRequest struct {
	// https or http; no user name or password; its host must not be or resolve to an
	// internal address unless the server sets ALLOW_PRIVATE_WEBHOOKS=true
	URL *string `json:"url" validate:"required" format:"uri" minLength:"8" maxLength:"2048" pattern:"^[Hh][Tt][Tt][Pp][Ss]?://" example:"https://hooks.acme.example/vms"`
	// the event types to send (GET /v1/webhooks/event-types lists them)
	Events      []string `json:"events" validate:"required" minItems:"1" maxItems:"9" enums:"video.created,video.ready,video.failed,video.deleted,video.restored,view.first,user.created,user.deleted,corporation.plan_changed" example:"video.ready,view.first"`
	Description *string  `json:"description" maxLength:"500" example:"LMS credits"`
	// true when absent
	Enabled *bool `json:"enabled" example:"true"`
}

// UpdateWebhookRequest changes an endpoint; absent fields stay as they are. Enabling a
// disabled endpoint clears disabled_reason.
type UpdateWebhookRequest struct {
	URL         *string  `json:"url" format:"uri" minLength:"8" maxLength:"2048" pattern:"^[Hh][Tt][Tt][Pp][Ss]?://" example:"https://hooks.acme.example/vms/v2"`
	Events      []string `json:"events" minItems:"1" maxItems:"9" enums:"video.created,video.ready,video.failed,video.deleted,video.restored,view.first,user.created,user.deleted,corporation.plan_changed" example:"video.created,video.ready"`
	Description *string  `json:"description" maxLength:"500" example:"LMS credits (new receiver)"`
	Enabled     *bool    `json:"enabled" example:"true"`
}

// WebhookResponse is an endpoint; its secret is shown only when it is created.
type WebhookResponse struct {
	ID          int64    `json:"id" validate:"required" minimum:"1" example:"3"`
	URL         string   `json:"url" validate:"required" format:"uri" example:"https://hooks.acme.example/vms"`
	Events      []string `json:"events" validate:"required" example:"video.ready,view.first"`
	Description string   `json:"description" validate:"required" maxLength:"500" example:"LMS credits"`
	Enabled     bool     `json:"enabled" validate:"required" example:"true"`
	// why the server disabled the endpoint (its deliveries failed for a day); null
	// otherwise
	DisabledReason *string `json:"disabled_reason" validate:"required" extensions:"x-nullable" example:"disabled at 2026-01-03T04:00:00Z: every delivery failed since 2026-01-02T04:00:00Z (last error: connection refused); fix the endpoint, then enable it again"`
	// since when every delivery has failed; null while they succeed
	FailingSince *time.Time `json:"failing_since" validate:"required" format:"date-time" extensions:"x-nullable" example:"2026-01-02T04:00:00Z"`
	CreatedAt    time.Time  `json:"created_at" validate:"required" format:"date-time" example:"2026-01-02T03:04:05Z"`
	UpdatedAt    time.Time  `json:"updated_at" validate:"required" format:"date-time" example:"2026-01-02T03:04:05Z"`
}

// CreatedWebhookResponse is a new endpoint with its signing secret, shown this once.
type CreatedWebhookResponse struct {
	WebhookResponse
	// the signing secret: whsec_ and the base64 of a 32-byte key (Standard Webhooks);
	// shown only in this answer
	Secret string `json:"secret" validate:"required" example:"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"`
}

// DeliveryResponse is one event to one endpoint and its attempts.
type DeliveryResponse struct {
	ID        int64 `json:"id" validate:"required" minimum:"1" example:"41"`
	WebhookID int64 `json:"webhook_id" validate:"required" minimum:"1" example:"3"`
	// the webhook-id header: the same on every attempt
	EventID string `json:"event_id" validate:"required" example:"msg_p5jxn4ajd7ysjbgfgyvlhtpnqa"`
	Type    string `json:"type" validate:"required" example:"view.first"`
	// pending: waiting for its first or next attempt; succeeded: a 2xx answer; failed:
	// every attempt failed, or the endpoint was disabled first
	Status string `json:"status" validate:"required" enums:"pending,succeeded,failed" example:"succeeded"`
	// attempts made so far
	Attempt int `json:"attempt" validate:"required" minimum:"0" example:"1"`
	// the last attempt's HTTP status; null when it got no answer or none was made
	HTTPStatus *int `json:"http_status" validate:"required" extensions:"x-nullable" minimum:"100" maximum:"599" example:"204"`
	// the last attempt's duration in milliseconds
	DurationMS *float64 `json:"duration_ms" validate:"required" extensions:"x-nullable" minimum:"0" example:"12.5"`
	// why the last attempt failed
	Error         *string    `json:"error" validate:"required" extensions:"x-nullable" example:"HTTP 503: busy"`
	NextAttemptAt *time.Time `json:"next_attempt_at" validate:"required" format:"date-time" extensions:"x-nullable" example:"2026-01-02T04:00:10Z"`
	DeliveredAt   *time.Time `json:"delivered_at" validate:"required" format:"date-time" extensions:"x-nullable" example:"2026-01-02T04:00:00Z"`
	CreatedAt     time.Time  `json:"created_at" validate:"required" format:"date-time" example:"2026-01-02T04:00:00Z"`
	// every attempt, oldest first
	Attempts []AttemptResponse `json:"attempts" validate:"required"`
}

// AttemptResponse is one attempt of a delivery.
type AttemptResponse struct {
	Attempt     int       `json:"attempt" validate:"required" minimum:"1" example:"1"`
	HTTPStatus  *int      `json:"http_status" validate:"required" extensions:"x-nullable" minimum:"100" maximum:"599" example:"204"`
	DurationMS  float64   `json:"duration_ms" validate:"required" minimum:"0" example:"12.5"`
	Error       *string   `json:"error" validate:"required" extensions:"x-nullable" example:"connection refused"`
	AttemptedAt time.Time `json:"attempted_at" validate:"required" format:"date-time" example:"2026-01-02T04:00:00Z"`
}

func toResponse(e domain.Endpoint) WebhookResponse {
	r := WebhookResponse{
		ID: e.ID, URL: e.URL, Events: e.Events, Description: e.Description, Enabled: e.Enabled,
		FailingSince: utc(e.FailingSince), CreatedAt: e.CreatedAt.UTC(), UpdatedAt: e.UpdatedAt.UTC(),
	}
	if r.Events == nil {
		r.Events = []string{}
	}
	if e.DisabledReason != "" && !e.Enabled {
		r.DisabledReason = &e.DisabledReason
	}
	return r
}

func toDeliveryResponse(d domain.Delivery) DeliveryResponse {
	r := DeliveryResponse{
		ID: d.ID, WebhookID: d.EndpointID, EventID: d.EventID, Type: d.EventType, Status: d.Status, Attempt: d.Attempts,
		NextAttemptAt: utc(d.NextAttemptAt), DeliveredAt: utc(d.DeliveredAt), CreatedAt: d.CreatedAt.UTC(),
		Attempts: make([]AttemptResponse, 0, len(d.History)),
	}
	if d.Status != domain.Pending {
		r.NextAttemptAt = nil
	}
	if d.Attempts > 0 {
		r.HTTPStatus = status(d.LastStatusCode)
		ms := millis(d.LastDuration)
		r.DurationMS = &ms
		r.Error = text(d.LastError)
	}
	for _, a := range d.History {
		r.Attempts = append(r.Attempts, AttemptResponse{
			Attempt: a.Number, HTTPStatus: status(a.StatusCode), DurationMS: millis(a.Duration), Error: text(a.Error), AttemptedAt: a.At.UTC(),
		})
	}
	return r
}

func status(code int) *int {
	if code == 0 {
		return nil
	}
	return &code
}

func text(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
