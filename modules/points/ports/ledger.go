package ports

import (
	"context"

	"vms/modules/points/domain"
)

// Ledger stores point transactions (the point_transactions table).
type Ledger interface {
	// Append writes the transaction unless one with the same user, reason and ref id
	// exists (INSERT … ON CONFLICT DO NOTHING), in the caller's unit of work. inserted
	// tells whether this call wrote it.
	Append(ctx context.Context, tx domain.Transaction) (inserted bool, err error)
}
