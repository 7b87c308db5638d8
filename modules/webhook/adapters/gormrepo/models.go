// Package gormrepo is the webhook module's repository on the application database.
package gormrepo

import (
	"time"

	"vms/modules/webhook/domain"
)

type endpointModel struct {
	ID             int64 `gorm:"primaryKey"`
	CorporationID  int64
	URL            string `gorm:"column:url"`
	Description    string
	Secret         string
	Enabled        bool
	DisabledReason string
	FailingSince   *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func (endpointModel) TableName() string { return "webhook_endpoints" }

type subscriptionModel struct {
	EndpointID    int64 `gorm:"primaryKey"`
	CorporationID int64
	EventType     string `gorm:"primaryKey"`
}

func (subscriptionModel) TableName() string { return "webhook_subscriptions" }

type deliveryModel struct {
	ID             int64 `gorm:"primaryKey"`
	EndpointID     int64
	CorporationID  int64
	EventID        string
	EventType      string
	Body           string
	Status         string
	Attempts       int
	LastStatusCode int
	LastDurationUs int64
	LastError      string
	NextAttemptAt  *time.Time
	DeliveredAt    *time.Time
	// EnqueuedAt is when the relay inserted the delivery's job; nil until then.
	EnqueuedAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

func (deliveryModel) TableName() string { return "webhook_deliveries" }

type attemptModel struct {
	ID         int64 `gorm:"primaryKey"`
	DeliveryID int64
	Attempt    int
	StatusCode int
	DurationUs int64
	Error      string
	CreatedAt  time.Time
}

func (attemptModel) TableName() string { return "webhook_attempts" }

func toEndpoint(m endpointModel, events []string) domain.Endpoint {
	return domain.Endpoint{
		ID: m.ID, CorporationID: m.CorporationID, URL: m.URL, Description: m.Description, Events: events,
		Enabled: m.Enabled, DisabledReason: m.DisabledReason, FailingSince: utcPtr(m.FailingSince), Secret: m.Secret,
		CreatedAt: m.CreatedAt.UTC(), UpdatedAt: m.UpdatedAt.UTC(),
	}
}

func toEndpointModel(e domain.Endpoint) endpointModel {
	return endpointModel{
		ID: e.ID, CorporationID: e.CorporationID, URL: e.URL, Description: e.Description, Secret: e.Secret,
		Enabled: e.Enabled, DisabledReason: e.DisabledReason, FailingSince: utcPtr(e.FailingSince),
		CreatedAt: e.CreatedAt.UTC(), UpdatedAt: e.UpdatedAt.UTC(),
	}
}

func toDelivery(m deliveryModel) domain.Delivery {
	return domain.Delivery{
		ID: m.ID, EndpointID: m.EndpointID, CorporationID: m.CorporationID, EventID: m.EventID, EventType: m.EventType,
		Body: []byte(m.Body), Status: m.Status, Attempts: m.Attempts, LastStatusCode: m.LastStatusCode,
		LastDuration: time.Duration(m.LastDurationUs) * time.Microsecond, LastError: m.LastError,
		NextAttemptAt: utcPtr(m.NextAttemptAt), DeliveredAt: utcPtr(m.DeliveredAt),
		CreatedAt: m.CreatedAt.UTC(), UpdatedAt: m.UpdatedAt.UTC(),
	}
}

func toAttempt(m attemptModel) domain.Attempt {
	return domain.Attempt{
		Number: m.Attempt, StatusCode: m.StatusCode, Duration: time.Duration(m.DurationUs) * time.Microsecond,
		Error: m.Error, At: m.CreatedAt.UTC(),
	}
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
