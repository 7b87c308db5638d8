package service

import (
	"context"

	"vms/modules/user/ports"
)

// Balances changes users' point balances for first views. It is separate from Service
// because it runs inside event handlers of the bus that Service publishes to.
type Balances struct {
	repo ports.Repository
}

// NewBalances builds the balances.
func NewBalances(repo ports.Repository) *Balances { return &Balances{repo: repo} }

// LockUser locks the user's row until the caller's unit of work ends, so concurrent
// changes to the user's balance queue.
func (b *Balances) LockUser(ctx context.Context, userID int64) error {
	return b.repo.LockUser(ctx, userID)
}

// AddPoints adds amount to the user's point balance inside the caller's unit of work.
func (b *Balances) AddPoints(ctx context.Context, userID, amount int64) error {
	return b.repo.AddPoints(ctx, userID, amount)
}
