// Package fake holds in-memory implementations of the points module's ports, for tests.
package fake

import (
	"context"
	"sync"

	"vms/modules/points/domain"
	"vms/modules/points/ports"
)

type ledgerKey struct {
	user   int64
	reason string
	ref    int64
}

// Ledger is an in-memory ports.Ledger.
type Ledger struct {
	mu   sync.Mutex
	rows map[ledgerKey]domain.Transaction
	// Err, when set, is returned by Append.
	Err error
}

var _ ports.Ledger = (*Ledger)(nil)

// NewLedger returns an empty ledger.
func NewLedger() *Ledger { return &Ledger{rows: map[ledgerKey]domain.Transaction{}} }

// Append writes t unless its key exists.
func (l *Ledger) Append(_ context.Context, t domain.Transaction) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.Err != nil {
		return false, l.Err
	}
	k := ledgerKey{t.UserID, t.Reason, t.RefID}
	if _, ok := l.rows[k]; ok {
		return false, nil
	}
	t.ID = int64(len(l.rows) + 1)
	l.rows[k] = t
	return true, nil
}

// Len returns how many transactions are stored.
func (l *Ledger) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.rows)
}

// Balances is an in-memory ports.Balances that records the order of calls.
type Balances struct {
	mu     sync.Mutex
	Points map[int64]int64
	Calls  []string
	// LockErr, when set, is returned by LockUser.
	LockErr error
}

var _ ports.Balances = (*Balances)(nil)

// NewBalances returns empty balances.
func NewBalances() *Balances { return &Balances{Points: map[int64]int64{}} }

// LockUser records the call.
func (b *Balances) LockUser(_ context.Context, _ int64) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.Calls = append(b.Calls, "lock")
	return b.LockErr
}

// AddPoints adds amount to the user's balance.
func (b *Balances) AddPoints(_ context.Context, userID, amount int64) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.Calls = append(b.Calls, "add")
	b.Points[userID] += amount
	return nil
}
