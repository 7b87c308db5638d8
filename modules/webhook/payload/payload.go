// Package payload is the wire contract of webhooks: the JSON body of each event type,
// {type, timestamp, data}, in the Standard Webhooks shape. The types are documented in the
// OpenAPI document (GET /v1/webhooks/event-types answers an example of each); the service
// marshals these very types into the outbox.
package payload

import "time"

// VideoCreated is the body of a video.created event: a video was registered from a source
// URL or uploaded (multipart or resumable).
type VideoCreated struct {
	Type      string           `json:"type" validate:"required" enums:"video.created" example:"video.created"`
	Timestamp time.Time        `json:"timestamp" validate:"required" format:"date-time" example:"2026-01-02T03:04:05Z"`
	Data      VideoCreatedData `json:"data" validate:"required"`
}

// VideoCreatedData describes the new video.
type VideoCreatedData struct {
	VideoID       int64  `json:"video_id" validate:"required" minimum:"1" example:"7"`
	CorporationID int64  `json:"corporation_id" validate:"required" minimum:"1" example:"1"`
	Name          string `json:"name" validate:"required" minLength:"1" maxLength:"200" example:"Product tour"`
	Visibility    string `json:"visibility" validate:"required" enums:"private,public" example:"private"`
	SourceKind    string `json:"source_kind" validate:"required" enums:"upload,url" example:"upload"`
}

// VideoReady is the body of a video.ready event: an upload's media processing finished
// (at once, with null media fields, on a server that does not process media). Videos
// registered from a source URL are not processed and send none.
type VideoReady struct {
	Type      string         `json:"type" validate:"required" enums:"video.ready" example:"video.ready"`
	Timestamp time.Time      `json:"timestamp" validate:"required" format:"date-time" example:"2026-01-02T03:04:35Z"`
	Data      VideoReadyData `json:"data" validate:"required"`
}

// VideoReadyData is what processing found; null fields are unknown.
type VideoReadyData struct {
	VideoID         int64    `json:"video_id" validate:"required" minimum:"1" example:"7"`
	CorporationID   int64    `json:"corporation_id" validate:"required" minimum:"1" example:"1"`
	DurationSeconds *float64 `json:"duration_seconds" validate:"required" extensions:"x-nullable" minimum:"0" example:"5.02"`
	Width           *int     `json:"width" validate:"required" extensions:"x-nullable" minimum:"1" example:"1280"`
	Height          *int     `json:"height" validate:"required" extensions:"x-nullable" minimum:"1" example:"720"`
}

// VideoFailed is the body of a video.failed event: the media tools could not read an
// upload. The original stays streamable.
type VideoFailed struct {
	Type      string          `json:"type" validate:"required" enums:"video.failed" example:"video.failed"`
	Timestamp time.Time       `json:"timestamp" validate:"required" format:"date-time" example:"2026-01-02T03:04:35Z"`
	Data      VideoFailedData `json:"data" validate:"required"`
}

// VideoFailedData says which video failed and why.
type VideoFailedData struct {
	VideoID       int64  `json:"video_id" validate:"required" minimum:"1" example:"7"`
	CorporationID int64  `json:"corporation_id" validate:"required" minimum:"1" example:"1"`
	Error         string `json:"error" validate:"required" maxLength:"2000" example:"ffprobe could not read the file: Invalid data found when processing input"`
}

// VideoDeleted is the body of a video.deleted event: a video was soft-deleted.
type VideoDeleted struct {
	Type      string    `json:"type" validate:"required" enums:"video.deleted" example:"video.deleted"`
	Timestamp time.Time `json:"timestamp" validate:"required" format:"date-time" example:"2026-01-03T09:00:00Z"`
	Data      VideoRef  `json:"data" validate:"required"`
}

// VideoRestored is the body of a video.restored event: a deleted video was restored.
type VideoRestored struct {
	Type      string    `json:"type" validate:"required" enums:"video.restored" example:"video.restored"`
	Timestamp time.Time `json:"timestamp" validate:"required" format:"date-time" example:"2026-01-04T10:00:00Z"`
	Data      VideoRef  `json:"data" validate:"required"`
}

// VideoRef names a video.
type VideoRef struct {
	VideoID       int64 `json:"video_id" validate:"required" minimum:"1" example:"7"`
	CorporationID int64 `json:"corporation_id" validate:"required" minimum:"1" example:"1"`
}

// ViewFirst is the body of a view.first event: a user viewed a video for the first time
// (a stream, an HLS segment or POST /v1/view-logs) and was credited points. It goes to the
// viewer's corporation.
type ViewFirst struct {
	Type      string        `json:"type" validate:"required" enums:"view.first" example:"view.first"`
	Timestamp time.Time     `json:"timestamp" validate:"required" format:"date-time" example:"2026-01-02T04:00:00Z"`
	Data      ViewFirstData `json:"data" validate:"required"`
}

// ViewFirstData names the viewer, the video and the points credited.
type ViewFirstData struct {
	UserID int64 `json:"user_id" validate:"required" minimum:"1" example:"2"`
	// the viewer's corporation
	CorporationID int64 `json:"corporation_id" validate:"required" minimum:"1" example:"1"`
	VideoID       int64 `json:"video_id" validate:"required" minimum:"1" example:"7"`
	// the video's corporation: another one for a public video of another corporation
	VideoCorporationID int64 `json:"video_corporation_id" validate:"required" minimum:"1" example:"1"`
	// POINTS_PER_VIEW at the time of the view
	Points int64 `json:"points" validate:"required" minimum:"0" example:"10"`
}

// UserCreated is the body of a user.created event (the first admin of a sign-up too,
// though no endpoint of a new corporation can exist yet).
type UserCreated struct {
	Type      string          `json:"type" validate:"required" enums:"user.created" example:"user.created"`
	Timestamp time.Time       `json:"timestamp" validate:"required" format:"date-time" example:"2026-01-02T03:00:00Z"`
	Data      UserCreatedData `json:"data" validate:"required"`
}

// UserCreatedData describes the new user.
type UserCreatedData struct {
	UserID        int64  `json:"user_id" validate:"required" minimum:"1" example:"2"`
	CorporationID int64  `json:"corporation_id" validate:"required" minimum:"1" example:"1"`
	Email         string `json:"email" validate:"required" format:"email" example:"guest@acme.example"`
	Role          string `json:"role" validate:"required" enums:"admin,guest" example:"guest"`
}

// UserDeleted is the body of a user.deleted event: a user was soft-deleted.
type UserDeleted struct {
	Type      string    `json:"type" validate:"required" enums:"user.deleted" example:"user.deleted"`
	Timestamp time.Time `json:"timestamp" validate:"required" format:"date-time" example:"2026-01-05T08:00:00Z"`
	Data      UserRef   `json:"data" validate:"required"`
}

// UserRef names a user.
type UserRef struct {
	UserID        int64 `json:"user_id" validate:"required" minimum:"1" example:"2"`
	CorporationID int64 `json:"corporation_id" validate:"required" minimum:"1" example:"1"`
}

// PlanChanged is the body of a corporation.plan_changed event: an admin changed the plan
// type or its expiry, or the expiry job moved an expired PAID plan to FREE.
type PlanChanged struct {
	Type      string          `json:"type" validate:"required" enums:"corporation.plan_changed" example:"corporation.plan_changed"`
	Timestamp time.Time       `json:"timestamp" validate:"required" format:"date-time" example:"2026-02-01T00:00:30Z"`
	Data      PlanChangedData `json:"data" validate:"required"`
}

// PlanChangedData is the plan before and after.
type PlanChangedData struct {
	CorporationID int64      `json:"corporation_id" validate:"required" minimum:"1" example:"1"`
	PlanType      string     `json:"plan_type" validate:"required" enums:"FREE,PAID" example:"FREE"`
	PlanExpiredAt *time.Time `json:"plan_expired_at" validate:"required" format:"date-time" extensions:"x-nullable" example:"2026-02-01T00:00:00Z"`
	// PAID only while the plan type is PAID and unexpired
	EffectivePlan         string     `json:"effective_plan" validate:"required" enums:"FREE,PAID" example:"FREE"`
	PreviousPlanType      string     `json:"previous_plan_type" validate:"required" enums:"FREE,PAID" example:"PAID"`
	PreviousPlanExpiredAt *time.Time `json:"previous_plan_expired_at" validate:"required" format:"date-time" extensions:"x-nullable" example:"2026-02-01T00:00:00Z"`
	// updated: an admin's change; expired: the automatic downgrade of an expired PAID plan
	Reason string `json:"reason" validate:"required" enums:"updated,expired" example:"expired"`
}

// WebhookTest is the body of the webhook.test event POST /v1/webhooks/{id}/test sends.
type WebhookTest struct {
	Type      string          `json:"type" validate:"required" enums:"webhook.test" example:"webhook.test"`
	Timestamp time.Time       `json:"timestamp" validate:"required" format:"date-time" example:"2026-01-02T03:04:05Z"`
	Data      WebhookTestData `json:"data" validate:"required"`
}

// WebhookTestData names the endpoint tested.
type WebhookTestData struct {
	WebhookID     int64  `json:"webhook_id" validate:"required" minimum:"1" example:"3"`
	CorporationID int64  `json:"corporation_id" validate:"required" minimum:"1" example:"1"`
	Message       string `json:"message" validate:"required" example:"This is a test event from vms."`
}
