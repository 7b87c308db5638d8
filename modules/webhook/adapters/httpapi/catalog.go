package httpapi

import (
	"time"

	"vms/modules/webhook/domain"
	"vms/modules/webhook/payload"
)

// EventTypesResponse holds an example body of every event type, keyed by the type with
// "." and the like written "_". Each body is what the endpoint receives, signed, as the
// JSON {type, timestamp, data}; webhook.test is what POST /v1/webhooks/{id}/test sends.
type EventTypesResponse struct {
	// the event types an endpoint may subscribe to, in this order
	Types                  []string              `json:"types" validate:"required" example:"video.created,video.ready,video.failed,video.deleted,video.restored,view.first,user.created,user.deleted,corporation.plan_changed"`
	VideoCreated           payload.VideoCreated  `json:"video_created" validate:"required"`
	VideoReady             payload.VideoReady    `json:"video_ready" validate:"required"`
	VideoFailed            payload.VideoFailed   `json:"video_failed" validate:"required"`
	VideoDeleted           payload.VideoDeleted  `json:"video_deleted" validate:"required"`
	VideoRestored          payload.VideoRestored `json:"video_restored" validate:"required"`
	ViewFirst              payload.ViewFirst     `json:"view_first" validate:"required"`
	UserCreated            payload.UserCreated   `json:"user_created" validate:"required"`
	UserDeleted            payload.UserDeleted   `json:"user_deleted" validate:"required"`
	CorporationPlanChanged payload.PlanChanged   `json:"corporation_plan_changed" validate:"required"`
	WebhookTest            payload.WebhookTest   `json:"webhook_test" validate:"required"`
}

// examples is the answer of GET /v1/webhooks/event-types: the documents' examples as
// values.
func examples() EventTypesResponse {
	at := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	duration, width, height := 5.02, 1280, 720
	expiry := at("2026-02-01T00:00:00Z")
	video := payload.VideoRef{VideoID: 7, CorporationID: 1}
	return EventTypesResponse{
		Types: domain.EventTypes,
		VideoCreated: payload.VideoCreated{Type: domain.VideoCreated, Timestamp: at("2026-01-02T03:04:05Z"), Data: payload.VideoCreatedData{
			VideoID: 7, CorporationID: 1, Name: "Product tour", Visibility: "private", SourceKind: "upload",
		}},
		VideoReady: payload.VideoReady{Type: domain.VideoReady, Timestamp: at("2026-01-02T03:04:35Z"), Data: payload.VideoReadyData{
			VideoID: 7, CorporationID: 1, DurationSeconds: &duration, Width: &width, Height: &height,
		}},
		VideoFailed: payload.VideoFailed{Type: domain.VideoFailed, Timestamp: at("2026-01-02T03:04:35Z"), Data: payload.VideoFailedData{
			VideoID: 7, CorporationID: 1, Error: "ffprobe could not read the file: Invalid data found when processing input",
		}},
		VideoDeleted:  payload.VideoDeleted{Type: domain.VideoDeleted, Timestamp: at("2026-01-03T09:00:00Z"), Data: video},
		VideoRestored: payload.VideoRestored{Type: domain.VideoRestored, Timestamp: at("2026-01-04T10:00:00Z"), Data: video},
		ViewFirst: payload.ViewFirst{Type: domain.ViewFirst, Timestamp: at("2026-01-02T04:00:00Z"), Data: payload.ViewFirstData{
			UserID: 2, CorporationID: 1, VideoID: 7, VideoCorporationID: 1, Points: 10,
		}},
		UserCreated: payload.UserCreated{Type: domain.UserCreated, Timestamp: at("2026-01-02T03:00:00Z"), Data: payload.UserCreatedData{
			UserID: 2, CorporationID: 1, Email: "guest@acme.example", Role: "guest",
		}},
		UserDeleted: payload.UserDeleted{Type: domain.UserDeleted, Timestamp: at("2026-01-05T08:00:00Z"), Data: payload.UserRef{UserID: 2, CorporationID: 1}},
		CorporationPlanChanged: payload.PlanChanged{Type: domain.CorporationPlanChanged, Timestamp: at("2026-02-01T00:00:30Z"), Data: payload.PlanChangedData{
			CorporationID: 1, PlanType: "FREE", PlanExpiredAt: &expiry, EffectivePlan: "FREE",
			PreviousPlanType: "PAID", PreviousPlanExpiredAt: &expiry, Reason: "expired",
		}},
		WebhookTest: payload.WebhookTest{Type: domain.TestEvent, Timestamp: at("2026-01-02T03:04:05Z"), Data: payload.WebhookTestData{
			WebhookID: 3, CorporationID: 1, Message: "This is a test event from vms.",
		}},
	}
}
