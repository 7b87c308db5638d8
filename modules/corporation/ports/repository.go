package ports

import (
	"context"
	"time"

	"vms/modules/corporation/domain"
)

// Repository stores corporations. Every read sees live (not soft-deleted) rows only.
type Repository interface {
	// Create inserts a corporation; a live corporation with the same name in any letter
	// case gives domain.ErrNameTaken.
	Create(ctx context.Context, d domain.Details, now time.Time) (domain.Corporation, error)
	// Get returns a live corporation or domain.ErrNotFound.
	Get(ctx context.Context, id int64) (domain.Corporation, error)
	// GetByName finds a live corporation by name, ignoring letter case.
	GetByName(ctx context.Context, name string) (domain.Corporation, error)
	// List returns up to limit live corporations with an id greater than afterID, by id.
	List(ctx context.Context, afterID int64, limit int) ([]domain.Corporation, error)
	// Update replaces the details of a live corporation.
	Update(ctx context.Context, id int64, d domain.Details, now time.Time) (domain.Corporation, error)
	// SoftDelete marks a live corporation deleted.
	SoftDelete(ctx context.Context, id int64, now time.Time) error
	// DowngradeExpired sets the FREE plan on every live PAID corporation whose plan
	// expired at or before now, in one statement, and returns the corporations it changed
	// (as they are afterwards; their plan expiry is kept).
	DowngradeExpired(ctx context.Context, now time.Time) ([]domain.Corporation, error)
}

// UnitOfWork runs fn in one transaction (joining one already in ctx).
type UnitOfWork interface {
	Do(ctx context.Context, fn func(ctx context.Context) error) error
}

// Clock tells the time.
type Clock interface {
	Now() time.Time
}
