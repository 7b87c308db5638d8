package domain

import (
	"fmt"
	"time"
)

// The statuses of a delivery.
const (
	// Pending: not attempted yet, or failed and waiting for its next attempt.
	Pending = "pending"
	// Succeeded: an attempt got a 2xx answer.
	Succeeded = "succeeded"
	// Failed: every attempt failed, or the endpoint was disabled before it succeeded.
	Failed = "failed"
)

// Delivery is one event to one endpoint: the outbox row written with the change, and the
// state of its attempts.
type Delivery struct {
	ID            int64
	EndpointID    int64
	CorporationID int64
	EventID       string
	EventType     string
	Body          []byte
	Status        string
	// Attempts is how many attempts were made; the Last… fields describe the latest.
	Attempts       int
	LastStatusCode int
	LastDuration   time.Duration
	LastError      string
	NextAttemptAt  *time.Time
	DeliveredAt    *time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
	// History holds the attempts, oldest first, when the read asked for them.
	History []Attempt
}

// Attempt is one try of a delivery.
type Attempt struct {
	Number     int
	StatusCode int // 0 when no answer came
	Duration   time.Duration
	Error      string // empty for a success
	At         time.Time
}

// Target is what the worker needs for an attempt: the delivery and its endpoint.
type Target struct {
	Delivery Delivery
	Endpoint Endpoint
}

// Result is what one request to an endpoint gave.
type Result struct {
	StatusCode int
	Duration   time.Duration
	// Err is a failure to get an answer (refused address, timeout, connection error).
	Err error
	// Excerpt is the start of the answer's body, for the error of a non-2xx answer.
	Excerpt string
}

// OK reports whether the endpoint accepted the event: a 2xx answer.
func (r Result) OK() bool { return r.Err == nil && r.StatusCode >= 200 && r.StatusCode < 300 }

// Error describes a failed result for the deliveries list: the transport error, a
// redirect (never followed) or the status with the start of the body.
func (r Result) Error() string {
	switch {
	case r.Err != nil:
		return r.Err.Error()
	case r.StatusCode >= 300 && r.StatusCode < 400:
		return fmt.Sprintf("HTTP %d: redirects are not followed", r.StatusCode)
	case r.OK():
		return ""
	case r.Excerpt != "":
		return fmt.Sprintf("HTTP %d: %s", r.StatusCode, r.Excerpt)
	default:
		return fmt.Sprintf("HTTP %d", r.StatusCode)
	}
}

// Health is the endpoint's state after an attempt: FailingSince set on a failure (kept
// when already set), cleared on a success; Disable when the endpoint has failed for
// DisableAfter, with the reason to show.
type Health struct {
	FailingSince *time.Time
	Disable      bool
	Reason       string
	// Changed tells whether the endpoint's row needs writing.
	Changed bool
}

// AfterAttempt applies an attempt's outcome at now to the endpoint's health.
func AfterAttempt(e Endpoint, ok bool, lastError string, now time.Time) Health {
	if ok {
		return Health{Changed: e.FailingSince != nil}
	}
	h := Health{FailingSince: e.FailingSince, Changed: e.FailingSince == nil}
	if h.FailingSince == nil {
		h.FailingSince = &now
	}
	if now.Sub(*h.FailingSince) >= DisableAfter {
		h.Disable, h.Changed = true, true
		h.Reason = fmt.Sprintf("disabled at %s: every delivery failed since %s (last error: %s); fix the endpoint, then enable it again",
			now.UTC().Format(time.RFC3339), h.FailingSince.UTC().Format(time.RFC3339), truncate(lastError, 300))
	}
	return h
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
