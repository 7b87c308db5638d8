// Package points owns the point_transactions ledger and credits POINTS_PER_VIEW points for
// a user's first view of a video, inside the unit of work that records the view. The
// module is small, so it is one package plus its GORM ledger; the users' balances belong
// to the user module and reach it through the Balances port.
package points

import (
	"context"
	"fmt"
	"time"

	"vms/modules/video/videoevents"
	"vms/platform/events"
)

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

// Ledger stores point transactions (the point_transactions table).
type Ledger interface {
	// Append writes the transaction unless one with the same user, reason and ref id
	// exists (INSERT … ON CONFLICT DO NOTHING), in the caller's unit of work. inserted
	// tells whether this call wrote it.
	Append(ctx context.Context, tx Transaction) (inserted bool, err error)
}

// Balances reads and changes users' point balances, which the user module owns. Both
// methods run in the caller's unit of work.
type Balances interface {
	// LockUser locks the user's row until the transaction ends, so concurrent credits
	// to one user queue instead of losing updates.
	LockUser(ctx context.Context, userID int64) error
	// AddPoints adds amount to the user's balance.
	AddPoints(ctx context.Context, userID int64, amount int64) error
}

// Awarder credits points for first views.
type Awarder struct {
	ledger   Ledger
	balances Balances
	amount   int64
}

// NewAwarder builds the awarder that credits amount points per first view.
func NewAwarder(ledger Ledger, balances Balances, amount int64) *Awarder {
	return &Awarder{ledger: ledger, balances: balances, amount: amount}
}

// Handler returns the VideoViewed handler.
func (a *Awarder) Handler() events.Handler { return events.HandlerFunc(a.OnVideoViewed) }

// OnVideoViewed runs inside the unit of work that wrote the view log. It locks the
// viewer's row first, then writes the ledger row; only when that row is new does the
// balance change, so a repeated event never credits twice.
func (a *Awarder) OnVideoViewed(ctx context.Context, e videoevents.VideoViewed) error {
	if err := a.balances.LockUser(ctx, e.UserID); err != nil {
		return fmt.Errorf("lock user %d: %w", e.UserID, err)
	}
	inserted, err := a.ledger.Append(ctx, Transaction{
		UserID: e.UserID, Amount: a.amount, Reason: ReasonVideoView, RefID: e.VideoID,
	})
	if err != nil {
		return fmt.Errorf("append point transaction: %w", err)
	}
	if !inserted {
		return nil
	}
	if err := a.balances.AddPoints(ctx, e.UserID, a.amount); err != nil {
		return fmt.Errorf("add points to user %d: %w", e.UserID, err)
	}
	return nil
}
