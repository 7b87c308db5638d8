// Package ports declares what the video module needs: its repositories, storage, the
// source fetcher, and from other modules (bound in app/wiring) corporation plans, users
// and playback tokens.
package ports

import (
	"context"
	"time"
)

// CorporationPlans tells whether a corporation's effective plan is PAID right now
// (plan_type PAID and plan_expired_at in the future). The corporation module implements it.
type CorporationPlans interface {
	IsPaid(ctx context.Context, corporationID int64) (bool, error)
}

// Users tells which corporation a live user belongs to; ok is false for an unknown or
// deleted user. The user module implements it.
type Users interface {
	CorporationOf(ctx context.Context, userID int64) (corporationID int64, ok bool, err error)
}

// Quota holds storage for uploads against the quota of the corporation's plan (the usage
// module). A multipart upload reserves before anything is stored, settles in the unit of
// work that creates its video, and releases when it fails.
type Quota interface {
	// Reserve holds n bytes under key (unique per upload) until expires; an error of kind
	// too_large, carrying the figures, when they do not fit.
	Reserve(ctx context.Context, corporationID int64, key string, n int64, expires time.Time) error
	// Settle turns the reservation into the stored bytes of the video, in the unit of
	// work in ctx.
	Settle(ctx context.Context, corporationID int64, key string, videoID, bytes int64) error
	// Release gives a reservation back; releasing one that is gone does nothing.
	Release(ctx context.Context, corporationID int64, key string) error
}

// PlaybackTokens issues short-lived playback tokens bound to one user and one video.
// The auth module implements it.
type PlaybackTokens interface {
	IssuePlayback(ctx context.Context, userID, corporationID int64, role string, videoID int64) (token string, expiresAt time.Time, err error)
	// IssuePlaybackFor issues one that lives for ttl: the tokens of HLS child URIs.
	IssuePlaybackFor(ctx context.Context, userID, corporationID int64, role string, videoID int64, ttl time.Duration) (token string, expiresAt time.Time, err error)
}
