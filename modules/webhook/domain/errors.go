package domain

import "vms/platform/kind"

// The errors of the webhook module.
var (
	// ErrNotFound: no such endpoint or delivery in the caller's corporation.
	ErrNotFound = kind.New(kind.NotFound, "webhook not found")
	// ErrDeliveryNotFound: no such delivery of the endpoint.
	ErrDeliveryNotFound = kind.New(kind.NotFound, "webhook delivery not found")
	// ErrForbidden: the caller may not manage webhooks.
	ErrForbidden = kind.New(kind.Forbidden, "only an admin manages webhooks")
	// ErrEndpointDisabled: a retry asked of a disabled endpoint.
	ErrEndpointDisabled = kind.New(kind.Conflict, "the webhook is disabled: enable it (PUT with enabled true) before retrying its deliveries")
	// ErrDeliveryPending: a retry asked of a delivery that is still being attempted.
	ErrDeliveryPending = kind.New(kind.Conflict, "the delivery is still pending: it is retried on its own schedule")
)

// Invalid returns a validation error for one field.
func Invalid(field, msg string) error { return kind.InvalidField(field, msg) }
