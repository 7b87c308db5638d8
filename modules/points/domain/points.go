// Package domain holds the points ledger entry and the reasons points are credited for.
package domain

import "time"

// ReasonVideoView credits a user's first view of a video; RefID is the video id.
const ReasonVideoView = "video_view"

// Transaction is one ledger row behind a user's balance. (UserID, Reason, RefID) is
// unique, so a credit for the same cause is written at most once.
type Transaction struct {
	ID        int64
	UserID    int64
	Amount    int64
	Reason    string
	RefID     int64
	CreatedAt time.Time
}
