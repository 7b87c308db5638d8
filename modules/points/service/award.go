// Package service holds the points module's use case: crediting points for a first view.
package service

import (
	"context"
	"fmt"

	"vms/modules/points/domain"
	"vms/modules/points/ports"
	"vms/modules/video/videoevents"
	"vms/platform/events"
)

// Awarder credits points for first views.
type Awarder struct {
	ledger   ports.Ledger
	balances ports.Balances
	amount   int64
}

// NewAwarder builds the awarder that credits amount points per first view.
func NewAwarder(ledger ports.Ledger, balances ports.Balances, amount int64) *Awarder {
	return &Awarder{ledger: ledger, balances: balances, amount: amount}
}

// Handler returns the VideoViewed handler.
func (a *Awarder) Handler() events.Handler { return events.HandlerFunc(a.OnVideoViewed) }

// OnVideoViewed runs inside the unit of work that wrote the view log. It locks the
// viewer's row first, so concurrent credits to one user queue instead of losing updates,
// then writes the ledger row; only when that row is new does the balance change, so a
// repeated event never credits twice.
func (a *Awarder) OnVideoViewed(ctx context.Context, e videoevents.VideoViewed) error {
	if err := a.balances.LockUser(ctx, e.UserID); err != nil {
		return fmt.Errorf("lock user %d: %w", e.UserID, err)
	}
	inserted, err := a.ledger.Append(ctx, domain.Transaction{
		UserID: e.UserID, Amount: a.amount, Reason: domain.ReasonVideoView, RefID: e.VideoID,
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
