// Package ports declares what the usage module needs: its repository, the corporation
// module's plans (bound in app/wiring), a unit of work and a clock.
package ports

import (
	"context"
	"time"

	"vms/modules/usage/domain"
)

// Repository keeps accounts, reservations, each video's bytes and the days. Every method
// runs in the unit of work in ctx when there is one; those that write more than one row
// need one.
type Repository interface {
	// Reserve adds n to the corporation's reserved bytes when they fit in quota (0: no
	// limit) beside what it stores and has reserved, in one conditional statement, and
	// records the reservation under key until expires. ok is false, with the account as
	// it stands, when they do not fit; nothing changes then.
	Reserve(ctx context.Context, corporationID int64, key string, n, quota int64, expires time.Time) (acc domain.Account, ok bool, err error)
	// Unreserve removes the corporation's reservation under key and gives its bytes back;
	// found is false when there is none (already settled, released or expired).
	Unreserve(ctx context.Context, corporationID int64, key string) (found bool, err error)
	// UnreserveExpired removes up to limit reservations whose expiry is at or before now,
	// giving their bytes back, and returns how many went.
	UnreserveExpired(ctx context.Context, now time.Time, limit int) (int, error)
	// AddVideo records a stored video's original bytes, adds them to its corporation's
	// stored bytes and counts an upload on day (whose stored level it sets). A video
	// already recorded changes nothing (added is false).
	AddVideo(ctx context.Context, corporationID, videoID, bytes int64, day domain.Day) (added bool, err error)
	// SetDerived makes bytes the size of a video's derived files, changing its
	// corporation's stored bytes (and day's level) by the difference. found is false for
	// a video not recorded.
	SetDerived(ctx context.Context, videoID, bytes int64, day domain.Day) (found bool, err error)
	// AddTraffic adds each corporation's egress bytes and first views to its day.
	AddTraffic(ctx context.Context, traffic []domain.Traffic) error
	// Account returns the corporation's account; one never written is empty.
	Account(ctx context.Context, corporationID int64) (domain.Account, error)
	// Days returns the corporation's recorded days from first to last, ascending, and the
	// stored level at the end of the day before first (0 when none was recorded).
	Days(ctx context.Context, corporationID int64, first, last domain.Day) (records []domain.DayRecord, storedBefore int64, err error)
	// Totals returns the stored and reserved bytes of all corporations.
	Totals(ctx context.Context) (stored, reserved int64, err error)
}

// Plans tells whether a corporation's effective plan is PAID right now; an unknown or
// deleted corporation is not. The corporation module implements it.
type Plans interface {
	IsPaid(ctx context.Context, corporationID int64) (bool, error)
}

// UnitOfWork runs fn in one transaction (joining one already in ctx).
type UnitOfWork interface {
	Do(ctx context.Context, fn func(ctx context.Context) error) error
}

// Clock tells the time.
type Clock interface{ Now() time.Time }
